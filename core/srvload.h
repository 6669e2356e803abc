/* SPDX-License-Identifier: ISC */
/*
 * srvload.h -- private to the loading of a server model: server.c (which
 * server, the JRE, the checks every kind shares), srvload.c (values,
 * sources and rows the kinds use), material.c (opening key materials) and
 * the kind modules (core/kind-*.c).  Not for cli/ or tui/.
 */
#ifndef TLSDECK_SRVLOAD_H
#define TLSDECK_SRVLOAD_H

#include "core.h"

/* Source precedences (higher wins); files count up from SRC_PREC_FILE. */
#define SRC_PREC_ASSUMED	0
#define SRC_PREC_FILE		100
#define SRC_PREC_ENV		1000
#define SRC_PREC_SYSPROP	1100
#define SRC_PREC_JSON		1200
#define SRC_PREC_CMDLINE	1300

/* Findings made line by line (placeholders) listed one by one; past this
 * many, one finding counts the rest (a hostile file cannot make 100,000
 * of them). */
#define SRV_LINE_FINDINGS	100

/* A finding that names a property, under the property's relaxed key. */
struct srv_fkey {
	char			*canon;
	const struct finding	*f;
	size_t			 idx;		/* its place in m->findings */
};

/* The state of one server_model_load. */
struct srvload {
	const struct server_opts *o;
	struct server_model	*m;
	const char		*proc;		/* procfs root */
	char			*main_dir;	/* directory of the main file */
	char			*base_dir;	/* its parent */
	char			*label_root;	/* file labels are relative to
						   it */
	int			 nfiles;	/* file sources so far */
	const char		*cwd;		/* the server's working directory
						   (m->proc.cwd of a server
						   process), or NULL */
	/* the running server's process, read by srv_proc_read */
	char			**argv;
	size_t			 argc;
	char			**envv;		/* wiped when freed */
	size_t			 envc;
	/* findings by relaxed key, sorted (srv_row; rebuilt when the
	 * number of findings changed) */
	struct srv_fkey		*fkeys;
	size_t			 nfkeys;
	size_t			 fkeys_of;	/* m->nfindings then */
};

/* srvload.c */
/* The resolved value of key among the sources (malloc'd), or NULL when
 * unset; *hit (may be NULL) says where. */
char	*srv_value(struct srvload *, const char *key, struct cfg_hit *);
/* The same as a secret. */
struct secret *srv_secret(struct srvload *, const char *key,
	     struct cfg_hit *);
/* Resolve placeholders in v: -1 on a cycle, 1 when one is left (*out
 * is then as far as it went), 0 when done. */
int	 srv_resolve_strict(struct srvload *, const char *v, char **out);
/* Where a finding about key points: the file and line of the source that
 * sets it; a source that is no file gives its label and 0; unset: the
 * main file and 0. */
void	 srv_where(struct srvload *, const char *key, const char **file,
	     int *line);
/* Is the value a boolean false ("false", any case, blanks ignored)? */
bool	 srv_false(const char *);
/* Is port listening and which process has it (m->listening, m->proc). */
void	 srv_live(struct srvload *);
/* Add a settings row for key (NULL label: no check). */
struct setting *srv_row(struct srvload *, const char *key, bool secret,
	     bool always, const char *ok_label, const char *unset_label,
	     struct key_material *);
/* Free the index srv_row keeps. */
void	 srv_fkeys_free(struct srvload *);
/* A file source: the properties (or YAML) file at path; -1 with *cause
 * when it cannot be read or is not of that format. */
struct cfg_source *srv_file_source(struct srvload *, const char *path,
	     enum cfg_format, const char *profile, char **cause);

/* proc.c: the running server (PROC/PID/...). */
/* Read PID's arguments (cmdline) and, when allowed, its environment,
 * working directory, owner, executable and systemd unit into s->argv,
 * s->envv and s->m->proc. */
void	 srv_proc_read(struct srvload *, int pid);
void	 srv_proc_done(struct srvload *);
/* The systemd unit of PID from PROC/PID/cgroup (malloc'd), or NULL. */
char	*srv_proc_unit(const char *proc, int pid);

/* material.c: open every key material (keystore or PEM, passwords, key
 * entry, key against certificate) and build its chain and trust. */
void	 srv_material_open(struct srvload *, struct key_material *);
void	 srv_material_trust(struct srvload *, struct key_material *);
/* PKCS#12 algorithms the server's JRE cannot read. */
void	 srv_material_p12_compat(struct srvload *, struct key_material *);

#endif /* TLSDECK_SRVLOAD_H */
