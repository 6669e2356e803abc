/* SPDX-License-Identifier: ISC */
/*
 * chain.c -- certificate chains: building one from a leaf and a pool of
 * candidates (keytool's establishCertChain), and putting a CA reply in
 * order (keytool's validateReply); see docs/formats.md, CA replies.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core.h"

#define CHAIN_MAX_STEPS	4096	/* signature checks before giving up */

/* The state of one chain_build search. */
struct chain_search {
	struct cert	**pool;
	size_t		  npool;
	struct cert	 *path[CHAIN_MAX_DEPTH];
	size_t		  depth;
	struct cert	 *best[CHAIN_MAX_DEPTH];	/* longest dead end */
	size_t		  nbest;
	unsigned int	  steps;
};

/* true if the spans hold the same bytes (and are not empty). */
static bool
chain_span_eq(const struct der_span *a, const struct der_span *b)
{
	return (a->len != 0 && a->len == b->len &&
	    memcmp(a->p, b->p, a->len) == 0);
}

/* true if c names itself as issuer and its key verifies it. */
bool
chain_self_signed(struct cert *c)
{
	if (c->info.subject_der.len != c->info.issuer_der.len ||
	    memcmp(c->info.subject_der.p, c->info.issuer_der.p,
	    c->info.subject_der.len) != 0)
		return (false);
	return (cert_issued_by(c, c));
}

/* true if c is already on the path being built. */
static bool
chain_on_path(const struct chain_search *s, const struct cert *c)
{
	size_t	i;

	for (i = 0; i < s->depth; i++) {
		if (cert_equal(s->path[i], c))
			return (true);
	}
	return (false);
}

/*
 * Extend the path from its last certificate.  Returns true when a
 * self-signed certificate ends it.  Candidates whose SubjectKeyIdentifier
 * is the child's AuthorityKeyIdentifier are tried first; on a dead end the
 * next candidate of the same name is tried (backtracking).
 */
static bool
chain_search_from(struct chain_search *s)
{
	struct cert	*c = s->path[s->depth - 1], *cand;
	size_t		 i;
	int		 pass;

	if (chain_self_signed(c))
		return (true);
	if (s->depth > s->nbest) {
		memcpy(s->best, s->path, s->depth * sizeof s->path[0]);
		s->nbest = s->depth;
	}
	if (s->depth == CHAIN_MAX_DEPTH)
		return (false);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < s->npool; i++) {
			cand = s->pool[i];
			if (cand == NULL)
				continue;
			/* pass 0: AKI == SKI; pass 1: the others */
			if (chain_span_eq(&c->info.aki, &cand->info.ski) !=
			    (pass == 0))
				continue;
			if (cand->info.subject_der.len !=
			    c->info.issuer_der.len ||
			    memcmp(cand->info.subject_der.p,
			    c->info.issuer_der.p, cand->info.subject_der.len))
				continue;
			if (chain_on_path(s, cand))
				continue;
			if (++s->steps > CHAIN_MAX_STEPS)
				return (false);
			if (!cert_issued_by(c, cand))
				continue;
			s->path[s->depth++] = cand;
			if (chain_search_from(s))
				return (true);
			s->depth--;
		}
	}
	return (false);
}

/* Build the chain of leaf from a pool of candidates. */
int
chain_build(struct cert *leaf, struct cert **pool, size_t npool,
    struct cert ***out, size_t *nout, bool *complete, char **cause)
{
	struct chain_search	*s;
	struct cert		**path;
	size_t			  n;

	*out = NULL;
	*nout = 0;
	*complete = false;
	if (leaf == NULL) {
		cause_set(cause, "no certificate to build a chain from");
		return (-1);
	}
	s = xcalloc(1, sizeof *s);
	s->pool = pool;
	s->npool = npool;
	s->path[0] = leaf;
	s->depth = 1;
	if (chain_search_from(s)) {
		*complete = true;
		path = s->path;
		n = s->depth;
	} else {
		path = s->best;
		n = s->nbest;
	}
	*out = xmemdup(path, n * sizeof *path);
	*nout = n;
	free(s);
	return (0);
}

/* true if the certificate carries the same public key as current. */
static bool
chain_key_eq(struct cert *c, struct cert *current)
{
	X509	*a, *b;
	int	 r;

	if (cert_same_key(c, current))
		return (true);
	/* The same key may be encoded differently (EC point forms). */
	if ((a = cert_x509(c, NULL)) == NULL ||
	    (b = cert_x509(current, NULL)) == NULL) {
		cause_ssl_clear();
		return (false);
	}
	r = EVP_PKEY_eq(X509_get0_pubkey(a), X509_get0_pubkey(b));
	cause_ssl_clear();
	return (r == 1);
}

/* Put a CA reply in chain order for the entry with current. */
int
chain_order_reply(struct cert **reply, size_t nreply, struct cert *current,
    const char *alias, struct cert ***out, size_t *nout, size_t *nunused,
    char **cause)
{
	struct cert	**left = NULL, **chain = NULL, *c;
	size_t		  nleft = 0, nchain = 0, i, j, pick;
	int		  rc = -1;

	*out = NULL;
	*nout = 0;
	if (nunused != NULL)
		*nunused = 0;
	if (nreply == 0) {
		cause_set(cause, "the reply contains no certificate");
		goto out;
	}
	/* Duplicates removed, order kept. */
	left = xcalloc(nreply, sizeof *left);
	for (i = 0; i < nreply; i++) {
		for (j = 0; j < nleft; j++) {
			if (cert_equal(left[j], reply[i]))
				break;
		}
		if (j == nleft)
			left[nleft++] = reply[i];
	}
	/* The certificate for the entry's key goes first. */
	for (i = 0; i < nleft; i++) {
		if (chain_key_eq(left[i], current))
			break;
	}
	if (i == nleft) {
		cause_set(cause, "reply does not contain the public key for "
		    "%s", alias);
		goto out;
	}
	chain = xcalloc(nleft, sizeof *chain);
	chain[nchain++] = left[i];
	left[i] = NULL;
	/* Then each certificate's issuer, found by signature. */
	for (;;) {
		c = chain[nchain - 1];
		if (chain_self_signed(c) || nchain == CHAIN_MAX_DEPTH)
			break;
		pick = nleft;
		for (i = 0; i < nleft; i++) {
			if (left[i] == NULL || !cert_issued_by(c, left[i]))
				continue;
			if (pick == nleft ||
			    chain_span_eq(&c->info.aki, &left[i]->info.ski))
				pick = i;
		}
		if (pick == nleft)
			break;
		chain[nchain++] = left[pick];
		left[pick] = NULL;
	}
	for (i = 0, j = 0; i < nleft; i++) {
		if (left[i] != NULL)
			j++;
	}
	if (j > 0 && !chain_self_signed(chain[nchain - 1])) {
		cause_set(cause, "incomplete chain in reply: no certificate "
		    "in it issued \"%s\"", chain[nchain - 1]->info.subject);
		goto out;
	}
	if (nunused != NULL)
		*nunused = j;
	*out = chain;
	*nout = nchain;
	chain = NULL;
	rc = 0;
out:
	free(chain);
	free(left);
	return (rc);
}
