// SPDX-License-Identifier: MIT
/*
 * libmseal-preload.so: seals a program's start-up image before main().
 *
 * ld.so runs preload constructors after it has relocated every start-up
 * object and made its RELRO read-only (SEMANTICS.md section 6), so the
 * constructor sees the image in its final shape: it collects the text,
 * read-only data and RELRO of every object, checks them against
 * /proc/self/maps and seals them in one mseal_ranges() batch (one filter
 * on the seccomp backend).  dlopen() is wrapped so that objects loaded
 * later are sealed after dlopen returns, when they can never be unloaded.
 *
 * Two modes.  Run mode (mseal-run(1)): loaded through LD_PRELOAD,
 * configured by MSEAL_RUN_* variables, fails the program when it cannot
 * seal.  System mode (mseal-system(8)): loaded through /etc/ld.so.preload,
 * configured by /etc/mseal/system.conf alone (never by the environment in
 * an AT_SECURE process), native backend only, and never in the way: what
 * fails is logged once to syslog and the program runs on unsealed.  The
 * only symbol it exports is dlopen.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "preload.h"
#include "sysconf.h"

#define EXIT_MSEAL 125

static struct {
	unsigned int set; /* MSL_RUN_BIT()s to seal */
	int dlopen_policy;
	bool dry_run;
	bool best_effort;
	bool inherit;
	bool json;
	bool report;
	bool fixed_layout; /* started without address randomisation */
	bool system;	   /* system mode: see mseal-system(8) */
	bool excluded;	   /* system mode: the policy leaves this program out */
	bool log_stderr;   /* system mode: MSEAL_SYSTEM_LOG=stderr (tests) */
	char report_path[4096]; /* "" for stderr */
	char error[256];	/* a configuration error, for the constructor */
} cfg;

static char program[4096];
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * The objects already looked at, sorted by phdr address: two buffers, the
 * one in use named by seen_cur, so that a fork child (see atfork_child())
 * inherits a whole list, never one half rewritten by another thread.
 */
static const void *seen_buf[2][MSL_OBJ_MAX];
static size_t nseen_buf[2];
static int seen_cur;
static bool seen_overflow;
/* The start-up objects, as the first look found them. */
static struct msl_obj startup[MSL_OBJ_MAX];
static size_t nstartup;
/* Scratch for one scan (under lock). */
static struct msl_obj cur[MSL_OBJ_MAX];
static size_t ncur;
static bool any_rpath; /* an object other than the program has DT_RPATH */
static bool pending;   /* a pass-through dlopen may have loaded objects */
static struct msl_plan plan;

static __thread int depth __attribute__((tls_model("initial-exec")));
static __thread bool nested __attribute__((tls_model("initial-exec")));

/* Used from the assembly below. */
void *(*msl_real_dlopen)(const char *, int)MSL_HIDDEN;
int msl_preload_route(const char *file, int mode, void *caller) MSL_HIDDEN;
void *msl_preload_wrapped(const char *file, int mode) MSL_HIDDEN;

static bool env_true(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0") != 0;
}

__attribute__((format(printf, 1, 2))) static void config_error(const char *fmt,
							       ...)
{
	va_list ap;

	if (cfg.error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(cfg.error, sizeof(cfg.error), fmt, ap);
	va_end(ap);
}

/* Whether LD_PRELOAD names this library (by path or by file name). */
static bool preloaded_by_env(void)
{
	const char *list = getenv("LD_PRELOAD"), *base;
	Dl_info info;
	size_t n, blen;

	if (!list || !dladdr((void *)preloaded_by_env, &info) ||
	    !info.dli_fname)
		return false;
	base = strrchr(info.dli_fname, '/');
	base = base ? base + 1 : info.dli_fname;
	blen = strlen(base);
	while (*list) {
		n = strcspn(list, ": \t");
		if (n && ((strlen(info.dli_fname) == n &&
			   !strncmp(list, info.dli_fname, n)) ||
			  (n >= blen && !strncmp(list + n - blen, base, blen) &&
			   (n == blen || list[n - blen - 1] == '/'))))
			return true;
		list += n;
		list += strspn(list, ": \t");
	}
	return false;
}

/*
 * System mode's policy.  In an AT_SECURE process (set-user-ID, file
 * capabilities) not one environment variable is read: the policy comes
 * from the root-owned file alone.
 */
static void read_system_config(bool secure)
{
	static struct msl_sysconf sc;
	const char *path = secure ? NULL : getenv("MSEAL_SYSTEM_CONF");
	const char *log = secure ? NULL : getenv("MSEAL_SYSTEM_LOG");

	cfg.system = true;
	cfg.best_effort = true;
	cfg.inherit = true; /* the environment is the program's: untouched */
	cfg.log_stderr = log && !strcmp(log, "stderr");
	cfg.dlopen_policy = MSL_DLOPEN_OFF;
	if (!path || !*path)
		path = MSL_SYSCONF_PATH;
	if (msl_sysconf_read(path, &sc, cfg.error, sizeof(cfg.error)))
		return;
	cfg.set = sc.set;
	cfg.excluded = msl_sysconf_excludes(&sc, program);
	if (!cfg.excluded)
		cfg.dlopen_policy = sc.dlopen_policy;
}

static void read_config(void)
{
	bool secure = getauxval(AT_SECURE) != 0;
	const char *v, *bad;
	size_t badlen;
	char word[64];

	cfg.set = MSL_RUN_DEFAULT;
	v = secure ? NULL : getenv("MSEAL_SYSTEM_CONF");
	if (secure || (v && *v) || !preloaded_by_env()) {
		read_system_config(secure);
		return;
	}
	v = getenv("MSEAL_RUN_SEAL");
	if (v && *v && !msl_run_parse_seal(v, &cfg.set, &bad, &badlen)) {
		snprintf(word, sizeof(word), "%.*s", (int)badlen, bad);
		config_error(
			"MSEAL_RUN_SEAL: unknown class '%s' (use " MSL_RUN_SEAL_WORDS
			")",
			word);
		cfg.set = MSL_RUN_DEFAULT;
	}
	v = getenv("MSEAL_RUN_DLOPEN");
	cfg.dlopen_policy = MSL_DLOPEN_NODELETE;
	if (v && *v) {
		cfg.dlopen_policy = msl_run_parse_dlopen(v);
		if (cfg.dlopen_policy < 0) {
			config_error("MSEAL_RUN_DLOPEN: unknown policy '%s' "
				     "(use nodelete, pin or off)",
				     v);
			cfg.dlopen_policy = MSL_DLOPEN_NODELETE;
		}
	}
	cfg.dry_run = env_true("MSEAL_RUN_DRY_RUN");
	cfg.best_effort = env_true("MSEAL_RUN_BEST_EFFORT");
	v = getenv("MSEAL_RUN_INHERIT");
	cfg.inherit = !(v && !strcmp(v, "0"));
	v = getenv("MSEAL_RUN_REPORT_FORMAT");
	cfg.json = v && !strcmp(v, "json");
	v = getenv("MSEAL_RUN_REPORT");
	if (v && *v) {
		const char *pid = getenv("MSEAL_RUN_REPORT_PID");

		/* `mseal run` reports for the program it started only, not
		 * for every child that inherits the preload. */
		cfg.report = !pid || !*pid || atol(pid) == (long)getpid();
		if (strcmp(v, "stderr") && strcmp(v, "-"))
			snprintf(cfg.report_path, sizeof(cfg.report_path), "%s",
				 v);
	}
}

static void emit(const struct msl_event *ev)
{
	struct msl_report_cfg rc = { -1, cfg.json };

	if (!cfg.report)
		return;
	/* Opened per event: a long-lived descriptor could be closed, and its
	 * number reused, by the program. */
	if (cfg.report_path[0])
		rc.fd = open(cfg.report_path,
			     O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	else
		rc.fd = 2;
	msl_report(&rc, ev);
	if (rc.fd > 2)
		close(rc.fd);
}

static int collect_fn(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct msl_obj *o;

	(void)size;
	(void)arg;
	if (msl_obj_is_vdso(info))
		return 0;
	if (ncur == MSL_OBJ_MAX) {
		seen_overflow = true;
		return 1;
	}
	o = &cur[ncur++];
	msl_obj_from_info(o, info);
	if (o->rpath && o->name[0])
		any_rpath = true;
	return 0;
}

/* Fills cur[] with the loaded objects; caller holds lock. */
static void collect(void)
{
	ncur = 0;
	any_rpath = false;
	dl_iterate_phdr(collect_fn, NULL);
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (const void *const *)a;
	uintptr_t y = (uintptr_t) * (const void *const *)b;

	return x < y ? -1 : x > y;
}

static bool was_seen(const void *key)
{
	int c = __atomic_load_n(&seen_cur, __ATOMIC_ACQUIRE);

	return bsearch(&key, seen_buf[c], nseen_buf[c], sizeof(seen_buf[c][0]),
		       cmp_ptr) != NULL;
}

/*
 * seen := the phdrs of cur[]: forgets unloaded objects too.  Written into
 * the other buffer, which becomes current in one store.
 */
static void remember_cur(void)
{
	int c = !__atomic_load_n(&seen_cur, __ATOMIC_ACQUIRE);
	size_t i;

	for (i = 0; i < ncur; i++)
		seen_buf[c][i] = cur[i].phdr;
	nseen_buf[c] = ncur;
	qsort(seen_buf[c], ncur, sizeof(seen_buf[c][0]), cmp_ptr);
	__atomic_store_n(&seen_cur, c, __ATOMIC_RELEASE);
}

static const char *obj_name(const struct msl_obj *o)
{
	return o->name[0] ? o->name : program;
}

/*
 * A fork(2) while another thread holds lock leaves it held for ever in the
 * child, which has only the forking thread: its first dlopen would hang.
 * glibc resets its own loader locks in the child for the same reason, and
 * so does this handler, rather than take lock in a prepare handler: the
 * holder may wait for glibc's loader lock (the dlopen of the pin policy),
 * which a fork from a constructor run by dlopen holds.  What the other
 * thread left half done is harmless in the child: cur[] and the plan are
 * rebuilt at each use, the seen list is switched whole and only after the
 * seal (objects not yet in it are looked at, and sealed, again), and the
 * library's own lock is taken around fork by its handlers, so a seal in
 * progress ends before the child is made.
 */
static void atfork_child(void)
{
	pthread_mutex_init(&lock, NULL);
}

static void init(void)
{
	ssize_t n = readlink("/proc/self/exe", program, sizeof(program) - 1);

	if (n <= 0)
		snprintf(program, sizeof(program), "%s",
			 program_invocation_name);
	else
		program[n] = '\0';
	read_config();
	/* Before any constructor could change the persona: the layout was
	 * decided by the persona at execve. */
	cfg.fixed_layout = msl_layout_not_random();
	msl_seccomp_fork_init();
	pthread_atfork(NULL, NULL, atfork_child);
	msl_real_dlopen =
		(void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
	pthread_mutex_lock(&lock);
	collect();
	memcpy(startup, cur, ncur * sizeof(cur[0]));
	nstartup = ncur;
	remember_cur();
	pthread_mutex_unlock(&lock);
}

static const char *backend_name(void)
{
	return mseal_backend_name(msl_config()->backend_all);
}

static int seal_plan(char *why, size_t size)
{
	const struct msl_config *c = msl_config();
	int rc;

	/* Ranges that changed are left out, and reported. */
	rc = msl_self_seal(&plan, MSEAL_SELF_BEST_EFFORT);
	if (!rc)
		return 0;
	if (c->env_invalid)
		snprintf(why, size, "%s", msl_env_error());
	else if (rc == -EOPNOTSUPP || rc == -ENOSYS)
		snprintf(why, size, "%s (backend %s; see mseal probe)",
			 strerror(-rc), backend_name());
	/* Filters outlive execve(2): a chain of sealed programs, each
	 * adding its own, ends here. */
	else if (rc == -E2BIG && c->backend_all == MSEAL_BACKEND_SECCOMP)
		snprintf(why, size,
			 "the seccomp filter budget is spent (%s: every "
			 "sealed program adds a filter, and filters outlive "
			 "execve); use --backend native on a kernel with "
			 "mseal(2), or --best-effort to run unsealed",
			 strerror(-rc));
	else
		snprintf(why, size, "%s", strerror(-rc));
	return rc;
}

extern char **environ;

/* Is ENTRY ("NAME=value") the variable NAME? */
static bool env_entry_is(const char *entry, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(entry, name, n) && entry[n] == '=';
}

/*
 * Takes this library out of the list after "LD_PRELOAD=" in ENTRY, in
 * place: the result is never longer than the list, so nothing is allocated
 * and nothing is cut off, however long the list.  Returns false when no
 * entry is left.
 */
static bool preload_list_without_self(char *entry, const char *self)
{
	char *list = entry + strlen("LD_PRELOAD="), *r = list, *w = list;
	size_t selflen = strlen(self);

	while (*r) {
		size_t n = strcspn(r, ": \t");

		if (n && !(selflen == n && !strncmp(r, self, n))) {
			if (w != list)
				*w++ = ':';
			memmove(w, r, n);
			w += n;
		}
		r += n;
		r += strspn(r, ": \t");
	}
	*w = '\0';
	return w != list;
}

/*
 * Removes this library from LD_PRELOAD and the MSEAL_RUN_* settings, by
 * editing environ itself.  setenv() and unsetenv() are not to be called
 * here: a program may define its own (bash does, keeping its variables in
 * tables of its own that it fills from environ in main), and before main
 * those would change nothing that the program's children inherit.
 */
static void stop_inheritance(void)
{
	static const char *const settings[] = {
		"MSEAL_RUN_SEAL",	   "MSEAL_RUN_DLOPEN",
		"MSEAL_RUN_DRY_RUN",	   "MSEAL_RUN_BEST_EFFORT",
		"MSEAL_RUN_INHERIT",	   "MSEAL_RUN_REPORT",
		"MSEAL_RUN_REPORT_FORMAT", "MSEAL_RUN_REPORT_PID",
	};
	char self[4096] = "", **from, **to;
	Dl_info info;
	size_t i;

	if (dladdr((void *)stop_inheritance, &info) && info.dli_fname)
		snprintf(self, sizeof(self), "%s", info.dli_fname);
	if (!environ)
		return;
	for (from = to = environ; *from; from++) {
		bool drop = false;

		for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
			drop = drop || env_entry_is(*from, settings[i]);
		if (env_entry_is(*from, "LD_PRELOAD"))
			drop = !preload_list_without_self(*from, self);
		if (!drop)
			*to++ = *from;
	}
	*to = NULL;
}

/* One line to stderr with write(2): stdio buffers belong to the program. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char line[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0 &&
	    write(2, line,
		  (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) < 0)
		return;
}

/*
 * System mode: the first failure of the process goes to syslog (LOG_USER),
 * and no other.  No openlog(): the program's own ident and options stay as
 * the program set them.  The socket is closed again when this runs before
 * main (at_startup), where the program has opened no log of its own yet.
 */
__attribute__((format(printf, 2, 3))) static void system_log(bool at_startup,
							     const char *fmt,
							     ...)
{
	static bool logged;
	char msg[500];
	va_list ap;

	if (__atomic_exchange_n(&logged, true, __ATOMIC_ACQ_REL))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	syslog(LOG_USER | LOG_WARNING, "mseal: %s[%d]: %s; running unsealed",
	       program, (int)getpid(), msg);
	if (at_startup)
		closelog();
	if (cfg.log_stderr)
		say("mseal: %s[%d]: %s; running unsealed\n", program,
		    (int)getpid(), msg);
}

#define fatal(...)                 \
	do {                       \
		say(__VA_ARGS__);  \
		_exit(EXIT_MSEAL); \
	} while (0)

static void handle_new(const char *file, int mode, void *handle);

/* The fixed-address policy of mseal_self(3). */
static bool fixed_on_seccomp(const struct msl_obj *o)
{
	return msl_self_leaves_out(o, cfg.fixed_layout);
}

static long usec_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

__attribute__((constructor)) static void seal_startup(void)
{
	struct msl_event ev = { .event = "startup",
				.program = program,
				.plan = &plan,
				.usec = -1 };
	long t0 = usec_now();
	char why[300] = "";

	pthread_once(&init_once, init);
	if (!cfg.inherit)
		stop_inheritance();
	if (cfg.system && (cfg.error[0] || cfg.excluded)) {
		if (cfg.error[0])
			system_log(true, "%s", cfg.error);
		return;
	}
	if (cfg.system && msl_config()->backend_all != MSEAL_BACKEND_NATIVE) {
		/* Seccomp filters would outlive execve: see mseal-system(8). */
		cfg.dlopen_policy = MSL_DLOPEN_OFF;
		if (msl_config()->mseal_refused)
			system_log(true,
				   "mseal(2) is refused by this process's "
				   "seccomp filter (%s), and system mode seals "
				   "with mseal(2) only",
				   strerror(msl_config()->mseal_refused));
		else
			system_log(true,
				   "system mode seals with mseal(2) only, and "
				   "the backend here is %s (see mseal probe)",
				   backend_name());
		return;
	}
	if (cfg.error[0]) {
		if (!cfg.best_effort)
			fatal("mseal: %s\n", cfg.error);
		ev.status = "failed";
		ev.reason = cfg.error;
		ev.plan = NULL;
		ev.backend = backend_name();
		emit(&ev);
		return;
	}
	pthread_mutex_lock(&lock);
	msl_self_plan(&plan, startup, nstartup, cfg.set, cfg.fixed_layout,
		      obj_name);
	ev.backend = backend_name();
	if (cfg.dry_run) {
		ev.status = "dry-run";
		ev.usec = usec_now() - t0;
		emit(&ev);
	} else if (seal_plan(why, sizeof(why))) {
		ev.status = "failed";
		ev.reason = why;
		ev.usec = usec_now() - t0;
		emit(&ev);
		if (cfg.system)
			system_log(true, "cannot seal at start-up: %s", why);
		else if (!cfg.best_effort)
			fatal("mseal: cannot seal %s at start-up: %s\n",
			      program, why);
	} else {
		ev.status = "sealed";
		ev.usec = usec_now() - t0;
		emit(&ev);
	}
	pthread_mutex_unlock(&lock);
	/* Objects that other constructors loaded before this one ran. */
	if (cfg.dlopen_policy != MSL_DLOPEN_OFF)
		handle_new(NULL, 0, NULL);
}

/*
 * Seals the objects loaded since the last look, after a dlopen returned
 * (handle != NULL) or at the next call after a pass-through.  Never fails
 * the dlopen: a seal that does not work is reported and the program goes
 * on.
 */
static void handle_new(const char *file, int mode, void *handle)
{
	struct msl_event ev = { .event = "dlopen",
				.program = program,
				.object = file,
				.plan = &plan,
				.usec = -1 };
	struct link_map *opened = NULL;
	bool whole_call, any = false;
	char why[300] = "";
	size_t i;

	pthread_mutex_lock(&lock);
	pending = false;
	collect();
	msl_plan_reset(&plan);
	if (handle && dlinfo(handle, RTLD_DI_LINKMAP, &opened) != 0)
		opened = NULL;
	/* RTLD_NODELETE keeps the opened object, and with it its
	 * dependencies; objects that constructors dlopen'd meanwhile are
	 * not among them. */
	whole_call = handle && (mode & RTLD_NODELETE) && !nested;
	for (i = 0; i < ncur; i++) {
		struct msl_obj *o = &cur[i];
		bool keep = o->nodelete || whole_call;

		if (was_seen(o->phdr))
			continue;
		if (fixed_on_seccomp(o)) {
			plan.fixed++;
			continue;
		}
		if (!keep && opened && (mode & RTLD_NODELETE) &&
		    o->name == opened->l_name)
			keep = true;
		if (!keep && cfg.dlopen_policy == MSL_DLOPEN_PIN &&
		    o->name[0]) {
			/* A second reference with RTLD_NODELETE: dlclose
			 * then never unmaps it, so a seal leaks nothing. */
			keep = msl_real_dlopen(o->name,
					       RTLD_LAZY | RTLD_NOLOAD |
						       RTLD_NODELETE) != NULL;
			dlerror();
		}
		if (!keep) {
			struct msl_event skip = { .event = "dlopen",
						  .program = program,
						  .object = o->name,
						  .backend = backend_name(),
						  .status = "skipped",
						  .usec = -1 };

			skip.reason = cfg.dlopen_policy == MSL_DLOPEN_PIN ?
					      "could not be pinned" :
					      "can be unloaded "
					      "(MSEAL_RUN_DLOPEN=nodelete)";
			emit(&skip);
			continue;
		}
		any = true;
		msl_plan_add_object(&plan, o, obj_name(o),
				    cfg.set & ~(MSL_RUN_BIT(MSL_RUN_STACK) |
						MSL_RUN_BIT(MSL_RUN_SYSTEM)));
	}
	nested = false;
	if (!any && plan.fixed) {
		ev.backend = backend_name();
		ev.status = "skipped";
		ev.reason = "fixed-address (randomisation off, seccomp)";
		if (!ev.object)
			ev.object = "?";
		emit(&ev);
	}
	if (any) {
		msl_plan_finish(&plan,
				cfg.set & ~(MSL_RUN_BIT(MSL_RUN_STACK) |
					    MSL_RUN_BIT(MSL_RUN_SYSTEM)));
		ev.backend = backend_name();
		if (!ev.object)
			ev.object = plan.n ? plan.r[0].object : "?";
		if (cfg.dry_run) {
			ev.status = "dry-run";
		} else if (seal_plan(why, sizeof(why))) {
			ev.status = "failed";
			ev.reason = why;
			if (cfg.system)
				system_log(false,
					   "cannot seal %s after dlopen: %s",
					   ev.object, why);
			else if (!cfg.best_effort && !cfg.report)
				say("mseal: cannot seal %s after dlopen: %s\n",
				    ev.object, why);
		} else {
			ev.status = "sealed";
		}
	}
	/* After the seal: a fork child must not take for sealed what a fork
	 * in the middle of it left unsealed. */
	remember_cur();
	if (any)
		emit(&ev);
	pthread_mutex_unlock(&lock);
}

/* Whether the object holding caller searches its own library path. */
static bool caller_has_search_path(void *caller)
{
	struct link_map *lm = NULL;
	const ElfW(Dyn) * d;
	Dl_info info;

	if (!dladdr1(caller, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm ||
	    !lm->l_ld)
		return true;
	for (d = lm->l_ld; d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_RPATH || d->d_tag == DT_RUNPATH)
			return true;
	return false;
}

/*
 * glibc's dlopen takes its caller from its return address: it picks the
 * namespace, $ORIGIN and the RPATH/RUNPATH search from that object.  A
 * wrapper that calls dlopen becomes the caller, so a name that depends on
 * the caller goes straight to the real dlopen (a tail jump keeps the
 * return address), and what it loaded is sealed at the next dlopen.
 * Returns 1 to wrap the call, 0 to pass it through.
 */
int msl_preload_route(const char *file, int mode, void *caller)
{
	(void)mode;
	pthread_once(&init_once, init);
	if (depth == 0 && pending && cfg.dlopen_policy != MSL_DLOPEN_OFF)
		handle_new(NULL, 0, NULL);
	if (cfg.dlopen_policy == MSL_DLOPEN_OFF || !file)
		return 0;
	if (depth > 0)
		nested = true;
	if (strchr(file, '$') ||
	    (!strchr(file, '/') &&
	     (any_rpath || caller_has_search_path(caller)))) {
		pending = true;
		return 0;
	}
	return 1;
}

void *msl_preload_wrapped(const char *file, int mode)
{
	void *h;
	int saved;

	depth++;
	h = msl_real_dlopen(file, mode);
	depth--;
	if (h && depth == 0) {
		saved = errno;
		handle_new(file, mode, h);
		errno = saved;
	}
	return h;
}

#if defined(__x86_64__)
/*
 * dlopen(file, mode): asks msl_preload_route() with the caller's return
 * address, then either tail-jumps to the real dlopen, which so sees the
 * original caller, or to the wrapper.  The stack is 16-byte aligned at the
 * call: entry (8 mod 16) + two pushes + 8.
 */
__asm__(".text\n"
	".globl dlopen\n"
	".type dlopen, @function\n"
	"dlopen:\n"
	"	.cfi_startproc\n"
#ifdef __CET__
	"	endbr64\n"
#endif
	"	push %rdi\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	push %rsi\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	mov 16(%rsp), %rdx\n"
	"	sub $8, %rsp\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	call msl_preload_route\n"
	"	add $8, %rsp\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	pop %rsi\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	pop %rdi\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	test %eax, %eax\n"
	"	jz 1f\n"
	"	jmp msl_preload_wrapped\n"
	"1:	jmp *msl_real_dlopen(%rip)\n"
	"	.cfi_endproc\n"
	".size dlopen, .-dlopen\n");
#elif defined(__aarch64__)
/*
 * The same on AArch64, where the caller's address is the link register
 * (x30) at entry: a frame keeps x29/x30 and the two arguments across the
 * call, and both exits are tail branches (b, br) that leave x30 as the
 * caller set it.  x16 is the intra-procedure-call scratch register, which
 * a BTI landing pad ("bti c") at the real dlopen accepts from br.
 */
__asm__(".text\n"
	".globl dlopen\n"
	".type dlopen, %function\n"
	".p2align 2\n"
	"dlopen:\n"
	"	.cfi_startproc\n"
#ifdef __ARM_FEATURE_BTI_DEFAULT
	"	hint 34\n" /* bti c */
#endif
	"	stp x29, x30, [sp, #-32]!\n"
	"	.cfi_def_cfa_offset 32\n"
	"	.cfi_offset 29, -32\n"
	"	.cfi_offset 30, -24\n"
	"	mov x29, sp\n"
	"	stp x0, x1, [sp, #16]\n"
	"	mov x2, x30\n"
	"	bl msl_preload_route\n"
	"	mov w16, w0\n"
	"	ldp x0, x1, [sp, #16]\n"
	"	ldp x29, x30, [sp], #32\n"
	"	.cfi_restore 29\n"
	"	.cfi_restore 30\n"
	"	.cfi_def_cfa_offset 0\n"
	"	cbz w16, 1f\n"
	"	b msl_preload_wrapped\n"
	"1:	adrp x16, msl_real_dlopen\n"
	"	ldr x16, [x16, :lo12:msl_real_dlopen]\n"
	"	br x16\n"
	"	.cfi_endproc\n"
	".size dlopen, .-dlopen\n");
#else
/* Elsewhere every call is wrapped: names resolved through the caller's
 * RPATH/RUNPATH see this library as the caller (see mseal-run(1)). */
MSL_EXPORT void *dlopen(const char *file, int mode)
{
	msl_preload_route(file, mode, __builtin_return_address(0));
	return msl_preload_wrapped(file, mode);
}
#endif
