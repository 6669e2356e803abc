#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# tlsdeck_ensure -- Ansible module over `tlsdeck ensure SPEC --format json`
# (see docs/architecture.md, Desired state, in the tlsdeck sources).

DOCUMENTATION = r'''
---
module: tlsdeck_ensure
short_description: HTTPS of a Java server as wanted, changed entry by entry
description:
  - Runs C(tlsdeck ensure) on the managed host with a spec built from the
    options. tlsdeck compares the server with the spec and changes only
    what differs -- one keystore entry (never the whole keystore) or a
    certificate from an ACME CA, the settings in the file that wins, the
    certificates its JRE's cacerts and its own trust store trust -- each
    through its own safe write with a backup.
  - Supports check mode (C(--check), nothing is written) and diff mode
    (passwords masked).
  - Passwords never go on a command line; the keystore's is handed to
    tlsdeck in its environment, or read by tlsdeck from a file.
options:
  server:
    description: The server's directory (its sharedDataPath).
    type: path
  properties:
    description: Its configuration file, instead of I(server).
    type: path
  domains:
    description: The names the certificate must have (first is the CN).
      Without it only I(ca_files) and I(settings) are ensured.
    type: list
    elements: str
  keystore:
    description: The keystore (relative to the server's directory);
      default the configured one, else conf/ssl/keystore.p12.
    type: str
  alias:
    description: The key entry; default the configured key alias, else
      tlsdeck.
    type: str
  storetype:
    description: The format of a new keystore.
    type: str
    choices: [pkcs12, jks]
  min_days:
    description: A new key pair when fewer days are left.
    type: int
    default: 30
  days:
    description: The validity of a new self-signed certificate.
    type: int
    default: 825
  key:
    description: The key algorithm of a new key pair.
    type: str
    choices: [rsa, ec]
  port:
    description: server.port (default as it is).
    type: int
  pem_key:
    description: A PEM private key on the host, instead of self-signed.
    type: path
  pem_chain:
    description: Its certificate chain (PEM), with I(pem_key).
    type: path
  trust:
    description: Trust a self-signed certificate in the server JRE's
      cacerts (not with I(acme)).
    type: bool
    default: true
  acme:
    description: The key pair from an ACME CA instead of self-signed,
      passed through as the spec's https.acme, with its keys (directory,
      email, agree-tos, challenge, http-port, http-address, webroot,
      dns-hook, dns-wait, ca-file, key, renew-before, preferred-issuer,
      restart, verify-timeout, timeout; see C(tlsdeck ensure --help)).
      Check mode decides without contacting the CA.
    type: dict
  trust_certs:
    description: CA certificates (files on the host) to trust in the
      stores of I(trust_in), entry by entry.
    type: list
    elements: path
    default: []
  trust_in:
    description: Where I(trust_certs) go; cacerts is the server JRE's,
      server the trust store the server configures itself
      (server.ssl.trust-store, Tomcat's truststoreFile, Jetty's
      trustStorePath).
    type: list
    elements: str
    choices: [cacerts, server]
    default: [cacerts]
  ca_files:
    description: CA certificates (files on the host) to trust in the
      server JRE's cacerts.
    type: list
    elements: path
    default: []
  settings:
    description: More settings (no passwords), key to value.
    type: dict
    default: {}
  keystore_password:
    description: The keystore's password; default the configured one.
    type: str
  keystore_password_file:
    description: A file on the host holding it (first line).
    type: path
  cacerts_password:
    description: The cacerts password, when not changeit or none.
    type: str
  jre:
    description: The JRE whose cacerts to use, instead of the server's.
    type: path
  tlsdeck:
    description: The tlsdeck binary.
    type: path
    default: tlsdeck
'''

EXAMPLES = r'''
- name: HTTPS on the application server
  tlsdeck_ensure:
    server: /opt/app
    domains: [app.example.com, localhost]
    keystore_password: "{{ vault_keystore_password }}"
'''

RETURN = r'''
actions:
  description: What was compared and what changed, one per part.
  returned: always
  type: list
  elements: dict
findings:
  description: The server's findings afterwards (as tlsdeck status).
  returned: always
  type: list
  elements: dict
'''

import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

PASS_ENV = 'TLSDECK_ENSURE_STOREPASS'
CPASS_ENV = 'TLSDECK_ENSURE_CACERTS_PASS'


def build_spec(p):
    spec = {}
    if p['server']:
        spec['server'] = p['server']
    else:
        spec['properties'] = p['properties']
    if p['domains']:
        https = {'domains': p['domains'], 'min-days': p['min_days'],
                 'days': p['days']}
        if p['acme']:
            https['acme'] = p['acme']
        else:
            https['trust'] = p['trust']
        for opt, key in (('keystore', 'keystore'), ('alias', 'alias'),
                         ('storetype', 'storetype'), ('key', 'key'),
                         ('port', 'port'), ('pem_key', 'pem-key'),
                         ('pem_chain', 'pem-chain')):
            if p[opt] is not None:
                https[key] = p[opt]
        spec['https'] = https
    if p['ca_files']:
        spec['ca-files'] = p['ca_files']
    if p['trust_certs']:
        spec['trust'] = {'in': p['trust_in'], 'certs': p['trust_certs']}
    if p['settings']:
        spec['settings'] = [{'key': str(k), 'value': str(v)}
                            for k, v in sorted(p['settings'].items())]
    return spec


def main():
    module = AnsibleModule(
        argument_spec=dict(
            server=dict(type='path'),
            properties=dict(type='path'),
            domains=dict(type='list', elements='str'),
            keystore=dict(type='str'),
            alias=dict(type='str'),
            storetype=dict(type='str', choices=['pkcs12', 'jks']),
            min_days=dict(type='int', default=30),
            days=dict(type='int', default=825),
            key=dict(type='str', choices=['rsa', 'ec']),
            port=dict(type='int'),
            pem_key=dict(type='path'),
            pem_chain=dict(type='path'),
            trust=dict(type='bool', default=True),
            acme=dict(type='dict'),
            trust_certs=dict(type='list', elements='path', default=[]),
            trust_in=dict(type='list', elements='str',
                          choices=['cacerts', 'server'],
                          default=['cacerts']),
            ca_files=dict(type='list', elements='path', default=[]),
            settings=dict(type='dict', default={}),
            keystore_password=dict(type='str', no_log=True),
            keystore_password_file=dict(type='path'),
            cacerts_password=dict(type='str', no_log=True),
            jre=dict(type='path'),
            tlsdeck=dict(type='path', default='tlsdeck'),
        ),
        mutually_exclusive=[('server', 'properties'),
                            ('keystore_password', 'keystore_password_file')],
        required_one_of=[('server', 'properties')],
        required_together=[('pem_key', 'pem_chain')],
        supports_check_mode=True,
    )
    p = module.params
    binary = module.get_bin_path(p['tlsdeck'], required=True) \
        if '/' not in p['tlsdeck'] else p['tlsdeck']

    fd, spec_path = tempfile.mkstemp(prefix='tlsdeck-ensure-',
                                     suffix='.yaml')
    try:
        # JSON is YAML: the spec as tlsdeck's schema reads it
        with os.fdopen(fd, 'w') as f:
            json.dump(build_spec(p), f)
        argv = [binary, 'ensure', spec_path, '--format', 'json']
        env = {}
        if p['keystore_password'] is not None:
            env[PASS_ENV] = p['keystore_password']
            argv += ['--storepass-env', PASS_ENV]
        elif p['keystore_password_file'] is not None:
            argv += ['--storepass-file', p['keystore_password_file']]
        if p['cacerts_password'] is not None:
            env[CPASS_ENV] = p['cacerts_password']
            argv += ['--cacerts-pass-env', CPASS_ENV]
        if p['jre'] is not None:
            argv += ['--jre', p['jre']]
        if module.check_mode:
            argv.append('--check')
        if module._diff:
            argv.append('--diff')
        rc, out, err = module.run_command(argv, environ_update=env)
    finally:
        os.unlink(spec_path)

    if rc != 0:
        # tlsdeck's one line, without its "tlsdeck: " prefix
        lines = [l for l in err.splitlines() if l.strip()]
        msg = lines[-1] if lines else 'tlsdeck ensure exited %d' % rc
        if msg.startswith('tlsdeck: '):
            msg = msg[len('tlsdeck: '):]
        module.fail_json(msg=msg, rc=rc)
    try:
        res = json.loads(out)
    except ValueError:
        module.fail_json(msg='tlsdeck ensure printed no JSON', rc=rc)

    result = dict(changed=bool(res.get('changed')),
                  actions=res.get('actions', []),
                  findings=res.get('findings', []))
    if module._diff:
        result['diff'] = [a['diff'] for a in res.get('actions', [])
                          if a.get('changed') and a.get('diff')]
    module.exit_json(**result)


if __name__ == '__main__':
    main()
