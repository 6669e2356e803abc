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
	char			*server_dir;	/* --server DIR, or the base
						   that links to it; NULL
						   without --server */
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
/* Take pid as the running server: srv_proc_read, its working directory
 * for relative paths and, with sysprops, its -D options as a source. */
void	 srv_proc_adopt(struct srvload *, int pid, bool sysprops);
/* The Tomcat and Jetty kinds' live look: is m->port listening, and when
 * no process was found by the server's directory, adopt the one owning
 * the socket (srv_proc_adopt). */
void	 srv_live_adopt(struct srvload *, bool sysprops);
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
/* The java processes (argv[0] named java*), pids ascending; *pids
 * malloc'd. */
size_t	 srv_proc_java(const char *proc, int **pids);
/* The value of -Dname=VALUE among PID's JVM options (malloc'd), or
 * NULL. */
char	*srv_proc_sysprop(const char *proc, int pid, const char *name);
/* PID's working directory (malloc'd), or NULL. */
char	*srv_proc_cwd(const char *proc, int pid);
/* Index in s->argv of the main class (the jar after -jar), or argc. */
size_t	 srv_proc_main(struct srvload *);
/* The running server's JVM system properties (-Dk=v before the main
 * class) as a source of that precedence; NULL when there is no process
 * or its command line was not read. */
struct cfg_source *srv_proc_sysprops(struct srvload *, int precedence);
/* The java process whose -Dname= (name NULL: working directory) is dir
 * (compared resolved), or 0. */
int	 srv_proc_by_dir(const char *proc, const char *name, const char *dir);
/* A systemd unit file (in the usual directories) whose text holds
 * needle: its name (malloc'd), or NULL; *user its User= (malloc'd, may
 * be NULL). */
char	*srv_unit_naming(const char *needle, char **user);

/* material.c: open every key material (keystore or PEM, passwords, key
 * entry, key against certificate) and build its chain and trust. */
void	 srv_material_open(struct srvload *, struct key_material *);
void	 srv_material_trust(struct srvload *, struct key_material *);
/* PKCS#12 algorithms the server's JRE cannot read. */
void	 srv_material_p12_compat(struct srvload *, struct key_material *);
/* JKS and JCEKS worth converting; aliases stored twice. */
void	 srv_material_ks_formats(struct srvload *, struct key_material *);

#endif /* TLSDECK_SRVLOAD_H */
