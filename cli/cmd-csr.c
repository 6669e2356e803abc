/* SPDX-License-Identifier: ISC */
/* cmd-csr.c -- tlsdeck csr: a PKCS#10 request for a key entry. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_DNAME = OPT__CLI_MAX + 1,
	OPT_SAN,
	OPT_FORCE,
	OPT_ACCEPT_SAN_LOSS,
};

static const struct option csr_options[] = {
	{ "dname", required_argument, NULL, OPT_DNAME },
	{ "san", required_argument, NULL, OPT_SAN },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "accept-san-loss", no_argument, NULL, OPT_ACCEPT_SAN_LOSS },
	{ NULL, 0, NULL, 0 }
};

/* csr's own options (its ctx->data). */
struct csr_args {
	const char	*dname;
	const char	*san;
	const char	*out;
	bool		 force;
	bool		 accept_san_loss;
};

static int
csr_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct csr_args	*a = c->data;

	switch (ch) {
	case OPT_DNAME:
		a->dname = arg;
		break;
	case OPT_SAN:
		a->san = arg;
		break;
	case 'o':
		a->out = arg;
		break;
	case OPT_FORCE:
		a->force = true;
		break;
	case OPT_ACCEPT_SAN_LOSS:
		a->accept_san_loss = true;
		break;
	}
	return (0);
}

/*
 * step_csr, and on a terminal a second try with a key password asked for
 * when the entry's key did not open with the store password.
 */
static int
csr_make(struct keystore *ks, const struct secret *pass,
    struct step_csr_opts *o, struct secret **kpass, char **pem,
    struct step_result *r, char **cause)
{
	struct ks_entry	*e;
	char		*prompt;

	if (step_csr(ks, pass, o, pem, r, cause) == 0)
		return (0);
	e = keystore_find(ks, o->alias);
	if (*kpass != NULL || e == NULL || e->type != KS_ENTRY_KEY ||
	    e->pkey != NULL)
		return (-1);
	if (!isatty(STDIN_FILENO)) {
		xasprintf(&prompt, "%s (give the key password with "
		    "--keypass-env or --keypass-file)", *cause);
		free(*cause);
		*cause = prompt;
		return (-1);
	}
	free(*cause);
	*cause = NULL;
	xasprintf(&prompt, "Enter key password for <%s>: ", o->alias);
	o->keypass = *kpass = cli_prompt_tty(prompt, cause);
	free(prompt);
	return (step_csr(ks, pass, o, pem, r, cause));
}

/* tlsdeck csr FILE --alias A [--san LIST] [--dname DN] [-o OUT] */
static int
cmd_csr_exec(struct cmd_ctx *c)
{
	struct csr_args		*a = c->data;
	struct step_csr_opts	 o;
	struct step_result	 r = { 0 };
	struct server_owner	 owner = { -1, -1, 0, NULL, NULL };
	struct keystore		*ks = NULL;
	struct secret		*pass = NULL, *kpass = NULL;
	const char		*file = c->argv[0];
	char			*cause = NULL, *pem = NULL, *desc = NULL;
	size_t			 i;
	int			 rc = EXIT_FAIL;

	memset(&o, 0, sizeof o);
	o.alias = c->alias;
	o.dname = a->dname;
	o.san = a->san;
	o.accept_san_loss = a->accept_san_loss;
	if (o.alias == NULL) {
		rc = cli_usage(c->entry, "--alias is needed");
		goto out;
	}
	if (cli_open_keystore(file, &c->store, true, &ks, &pass,
	    &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (cli_pw_given(&c->key) &&
	    cli_password(&c->key, "", false, &kpass, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	o.keypass = kpass;
	if (csr_make(ks, pass, &o, &kpass, &pem, &r, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (a->out == NULL || strcmp(a->out, "-") == 0) {
		fputs(pem, stdout);
	} else {
		xasprintf(&desc, "certificate request for alias %s of %s",
		    o.alias, file);
		/* For the server's user when FILE is the server's. */
		(void)cli_guard_owner(file, NULL, &owner, NULL, NULL);
		if (step_write_file(a->out, (const unsigned char *)pem,
		    strlen(pem), a->force, 0644, owner.uid >= 0 ? &owner :
		    NULL, "csr", desc, &r, &cause) != 0) {
			cli_error("%s", cause);
			goto out;
		}
		cli_message("wrote the request for \"%s\" to %s",
		    r.aliases[0], a->out);
	}
	/* the notes once the request is out (a failed write says one
	 * line) */
	for (i = 0; i < r.nnotes; i++)
		cli_note("%s", r.notes[i]);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(owner.how_buf);
	free(cause);
	free(pem);
	free(desc);
	step_result_free(&r);
	keystore_free(ks);
	secret_free(pass);
	secret_free(kpass);
	return (rc);
}

const struct cmd_entry cmd_csr_entry = {
	.name = "csr",
	.usage =
	"FILE --alias A [--san LIST] [--dname DN] [-o OUT] [--force] "
	"[--accept-san-loss] [PASSWORD OPTIONS]",
	.summary =
	"Make a PKCS#10 certificate request (PEM) for a key entry.  The "
	"subject alternative\nnames of the entry's current certificate are "
	"kept unless --san is given\n(keytool -certreq drops them).\n"
	"  -a, --alias A            the key entry\n"
	"  --san LIST               dns:host,ip:10.0.0.5,... (\"\" for none)\n"
	"  --dname DN               subject (default: the certificate's)\n"
	"  -o, --output OUT         write to a new file OUT (default: stdout)\n"
	"  --force                  replace an existing OUT (it is backed up)\n"
	"  --accept-san-loss        a request without SANs the certificate "
	"has\n"
	"                           (refused otherwise)\n"
	"  --storepass-env VAR | --storepass-file FILE   store password\n"
	"  --keypass-env VAR | --keypass-file FILE       JKS key password, "
	"when it\n"
	"                           differs from the store password",
	.options = csr_options,
	.flags = CMD_ALIAS | CMD_STOREPASS | CMD_KEYPASS,
	.operands = { 1, 1, "FILE is missing" },
	.size = sizeof (struct csr_args),
	.option = csr_option,
	.exec = cmd_csr_exec
};
