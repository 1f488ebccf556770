/* SPDX-License-Identifier: ISC */
/*
 * source_exec.c: runs a command that writes concatenated JPEGs to stdout
 * (rpicam-vid --codec mjpeg -o -, ffmpeg -f mjpeg pipe:1, ...), splits them
 * by JPEG markers (or, with --source-format h264, an H.264 Annex-B stream
 * cut into access units: rpicam-vid --codec h264 --inline -o -), logs its
 * stderr, and restarts it with backoff when it
 * dies.  Stopping sends SIGTERM to its process group, then SIGKILL.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "backoff.h"
#include "jpeg_split.h"
#include "log.h"
#include "mono.h"
#include "source.h"
#include "timeval.h"

#define EXEC_KILL_DELAY		2	/* s between SIGTERM and SIGKILL */
#define EXEC_BACKOFF_MIN	500	/* ms */
#define EXEC_BACKOFF_MAX	30000
#define EXEC_STDERR_LINE	512
#define EXEC_READ		65536
#define EXEC_DROPS_S		5	/* between lines about dropped frames */

struct exec_state {
	struct jpeg_split	*split;
	struct source_h264	*h264;		/* --source-format h264 */
	struct jpeg_split_stats	 logged;	/* counters already logged */
	struct timeval		 drops_logged;	/* when they were */
	pid_t			 pid;		/* running child, or -1 */
	pid_t			 dying;		/* child being stopped, or -1 */
	int			 out, err;	/* pipes from the child */
	struct event		*ev_out, *ev_err, *ev_chld, *ev_kill, *ev_restart;
	char			 line[EXEC_STDERR_LINE];
	size_t			 linelen;
	struct backoff		 backoff;
	uint64_t		 spawned_ms;	/* monotonic */
	unsigned char		 buf[EXEC_READ];
};

static int	exec_spawn(struct source *, char *, size_t);

/*
 * Logs what the splitter dropped since the last line, in one line at most
 * every EXEC_DROPS_S: a broken command repeats its faults endlessly.
 */
static void
exec_log_drops(struct source *src, int now)
{
	struct exec_state	*es = src->priv;
	struct jpeg_split_stats	 st;
	struct timeval		 tv, d;
	char			 line[256];
	size_t			 n = 0;

	jpeg_split_stats(es->split, &st);
	gettimeofday(&tv, NULL);
	timersub(&tv, &es->drops_logged, &d);
	if (!now && es->drops_logged.tv_sec != 0 &&
	    d.tv_sec < EXEC_DROPS_S)
		return;
	line[0] = '\0';
#define EXEC_DROP(field, what) do {					\
	if (st.field > es->logged.field && n < sizeof(line))		\
		n += snprintf(line + n, sizeof(line) - n, "%s%llu %s",	\
		    n ? ", " : "",					\
		    (unsigned long long)(st.field - es->logged.field), what);\
} while (0)
	EXEC_DROP(dropped_oversize, "over --max-frame-size");
	EXEC_DROP(dropped_truncated, "truncated");
	EXEC_DROP(dropped_corrupt, "corrupt");
#undef EXEC_DROP
	if (st.garbage_bytes >= es->logged.garbage_bytes + 1024 * 1024 &&
	    n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - n, "%s%llu bytes "
		    "outside any JPEG", n ? ", " : "", (unsigned long long)
		    (st.garbage_bytes - es->logged.garbage_bytes));
	else
		st.garbage_bytes = es->logged.garbage_bytes;
	if (n == 0)
		return;
	log_warnx("exec: dropped %s", line);
	es->logged = st;
	es->drops_logged = tv;
}

/* A whole JPEG from the splitter. */
static void
exec_frame(const unsigned char *data, size_t len, void *arg)
{
	struct timeval	 tv;

	timeval_now(&tv);
	source_emit(arg, data, len, &tv);
}

/* Closes one pipe and its event. */
static void
exec_close_pipe(int *fd, struct event **ev)
{
	if (*ev != NULL) {
		event_free(*ev);
		*ev = NULL;
	}
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

/* Reads the child's stdout into the splitter. */
static void
exec_read_out(evutil_socket_t fd, short what, void *arg)
{
	struct source		*src = arg;
	struct exec_state	*es = src->priv;
	ssize_t			 n;

	n = read(fd, es->buf, sizeof(es->buf));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		exec_close_pipe(&es->out, &es->ev_out);
		jpeg_split_reset(es->split);
		if (es->h264 != NULL)
			source_h264_end(es->h264, 0);
		exec_log_drops(src, 1);
		return;
	}
	if (es->h264 != NULL) {
		source_h264_feed(es->h264, es->buf, n);
		return;
	}
	if (jpeg_split_feed(es->split, es->buf, n, exec_frame, src) == -1) {
		static struct log_rate lr = LOG_RATE_INIT("exec memory");

		log_rate_warnx(&lr, "exec: out of memory splitting frames");
	}
	exec_log_drops(src, 0);
}

/*
 * The command's stderr: enough lines for a start-up banner and a reason
 * to exit, then a count, whatever it writes.
 */
static struct log_rate exec_stderr = LOG_RATE_INIT_BURST("exec: stderr", 15);

/* Reads the child's stderr and logs it line by line, never blocking. */
static void
exec_read_err(evutil_socket_t fd, short what, void *arg)
{
	struct source		*src = arg;
	struct exec_state	*es = src->priv;
	char			 buf[1024];
	ssize_t			 n, i;

	n = read(fd, buf, sizeof(buf));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (es->linelen > 0)
			log_rate_info(&exec_stderr, "exec: %.*s",
			    (int)es->linelen, es->line);
		es->linelen = 0;
		exec_close_pipe(&es->err, &es->ev_err);
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || buf[i] == '\r' ||
		    es->linelen == sizeof(es->line)) {
			if (es->linelen > 0)
				log_rate_info(&exec_stderr, "exec: %.*s",
				    (int)es->linelen, es->line);
			es->linelen = 0;
			if (buf[i] == '\n' || buf[i] == '\r')
				continue;
		}
		es->line[es->linelen++] = buf[i];
	}
}

/* Restart timer after the command died. */
static void
exec_restart(evutil_socket_t fd, short what, void *arg)
{
	struct source	*src = arg;
	char		 cause[256];

	if (!src->running)
		return;
	if (exec_spawn(src, cause, sizeof(cause)) == -1)
		source_error(src, "%s", cause);
}

/* SIGCHLD: reaps our children; restarts the command if it died on us. */
static void
exec_sigchld(evutil_socket_t sig, short what, void *arg)
{
	struct source		*src = arg;
	struct exec_state	*es = src->priv;
	struct timeval		 tv;
	pid_t			 pid;
	int			 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == es->dying) {
			es->dying = -1;
			evtimer_del(es->ev_kill);
			continue;
		}
		if (pid != es->pid)
			continue;
		es->pid = -1;
		exec_close_pipe(&es->out, &es->ev_out);
		jpeg_split_reset(es->split);
		if (es->h264 != NULL)
			source_h264_end(es->h264, 0);
		if (WIFEXITED(status))
			source_error(src, "command exited with status %d",
			    WEXITSTATUS(status));
		else
			source_error(src, "command killed by signal %d",
			    WTERMSIG(status));
		if (mono_ms() - es->spawned_ms >= 10000)
			backoff_reset(&es->backoff);
		log_info("exec: restarting in %d ms",
		    backoff_next(&es->backoff, &tv));
		evtimer_add(es->ev_restart, &tv);
	}
}

/* SIGKILL for a child that ignored SIGTERM. */
static void
exec_kill(evutil_socket_t fd, short what, void *arg)
{
	struct exec_state	*es = arg;

	if (es->dying > 0) {
		log_warnx("exec: command ignored SIGTERM, killing it");
		kill(-es->dying, SIGKILL);
	}
}

/* Starts the command with stdout and stderr on non-blocking pipes. */
static int
exec_spawn(struct source *src, char *cause, size_t causelen)
{
	struct exec_state	*es = src->priv;
	int			 out[2], err[2];
	pid_t			 pid;

	if (pipe2(out, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1) {
		snprintf(cause, causelen, "pipe: %s", strerror(errno));
		return (-1);
	}
	if ((pid = fork()) == -1) {
		snprintf(cause, causelen, "fork: %s", strerror(errno));
		close(out[0]); close(out[1]); close(err[0]); close(err[1]);
		return (-1);
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		setsid();
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (nul != -1)
			dup2(nul, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		execl("/bin/sh", "sh", "-c", src->arg, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);
	es->pid = pid;
	es->out = out[0];
	es->err = err[0];
	es->linelen = 0;
	es->spawned_ms = mono_ms();
	es->ev_out = event_new(src->base, es->out, EV_READ | EV_PERSIST,
	    exec_read_out, src);
	es->ev_err = event_new(src->base, es->err, EV_READ | EV_PERSIST,
	    exec_read_err, src);
	if (es->ev_out == NULL || es->ev_err == NULL) {
		snprintf(cause, causelen, "cannot create events");
		return (-1);
	}
	event_add(es->ev_out, NULL);
	event_add(es->ev_err, NULL);
	log_info("exec: started pid %ld: %s", (long)pid, src->arg);
	return (0);
}

/* Checks that the command's program exists. */
static int
exec_find(const char *cmd, char *cause, size_t causelen)
{
	char		 prog[256], path[512];
	const char	*p, *dirs, *colon;
	size_t		 n;

	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	n = strcspn(cmd, " \t");
	if (n == 0 || n >= sizeof(prog)) {
		snprintf(cause, causelen, "exec: empty or overlong command");
		return (-1);
	}
	memcpy(prog, cmd, n);
	prog[n] = '\0';
	/* Shell syntax (variables, builtins, subshells): let the shell judge. */
	if (strpbrk(prog, "$=(;|&<>`") != NULL)
		return (0);
	if (strchr(prog, '/') != NULL) {
		if (access(prog, X_OK) == 0)
			return (0);
		snprintf(cause, causelen, "exec: %s: %s", prog,
		    strerror(errno));
		return (-1);
	}
	if ((dirs = getenv("PATH")) == NULL)
		dirs = "/usr/local/bin:/usr/bin:/bin";
	for (p = dirs; *p != '\0'; p = *colon ? colon + 1 : colon) {
		colon = strchrnul(p, ':');
		snprintf(path, sizeof(path), "%.*s/%s", (int)(colon - p), p,
		    prog);
		if (access(path, X_OK) == 0)
			return (0);
	}
	snprintf(cause, causelen, "exec: command not found: %s", prog);
	return (-1);
}

/* Checks the command and allocates state. */
static int
exec_init(struct source *src, char *cause, size_t causelen)
{
	struct exec_state	*es;

	if (exec_find(src->arg, cause, causelen) == -1)
		return (-1);
	if ((es = calloc(1, sizeof(*es))) == NULL ||
	    (es->split = jpeg_split_new(src->conf->max_frame)) == NULL ||
	    (src->conf->format == SOURCE_H264 &&
	    (es->h264 = source_h264_new(src)) == NULL))
		goto nomem;
	src->priv = es;
	es->pid = es->dying = -1;
	es->out = es->err = -1;
	backoff_init(&es->backoff, EXEC_BACKOFF_MIN, EXEC_BACKOFF_MAX);
	es->ev_chld = evsignal_new(src->base, SIGCHLD, exec_sigchld, src);
	es->ev_kill = evtimer_new(src->base, exec_kill, es);
	es->ev_restart = evtimer_new(src->base, exec_restart, src);
	if (es->ev_chld == NULL || es->ev_kill == NULL ||
	    es->ev_restart == NULL || evsignal_add(es->ev_chld, NULL) == -1)
		goto nomem;
	return (0);
nomem:
	snprintf(cause, causelen, "exec: cannot allocate state");
	if (es != NULL)
		src->priv = es;
	src->ops->destroy(src);
	return (-1);
}

/* Starts the command. */
static int
exec_start(struct source *src, char *cause, size_t causelen)
{
	struct exec_state	*es = src->priv;

	backoff_reset(&es->backoff);
	return (exec_spawn(src, cause, causelen));
}

/* Stops the command: SIGTERM now, SIGKILL later if it lingers. */
static void
exec_stop(struct source *src)
{
	struct exec_state	*es = src->priv;
	struct timeval		 tv = { EXEC_KILL_DELAY, 0 };

	evtimer_del(es->ev_restart);
	exec_close_pipe(&es->out, &es->ev_out);
	exec_close_pipe(&es->err, &es->ev_err);
	jpeg_split_reset(es->split);
	if (es->h264 != NULL)
		source_h264_end(es->h264, 0);
	if (es->pid > 0) {
		log_info("exec: stopping pid %ld", (long)es->pid);
		kill(-es->pid, SIGTERM);
		es->dying = es->pid;
		es->pid = -1;
		evtimer_add(es->ev_kill, &tv);
	}
}

/* Stops, waits for the child briefly, and frees. */
static void
exec_destroy(struct source *src)
{
	struct exec_state	*es = src->priv;
	int			 i;

	if (es == NULL)
		return;
	if (es->pid > 0 || es->ev_out != NULL)
		exec_stop(src);
	/* At exit: give the child its grace period, then make sure. */
	for (i = 0; es->dying > 0 && i < EXEC_KILL_DELAY * 20; i++) {
		if (waitpid(es->dying, NULL, WNOHANG) == es->dying)
			es->dying = -1;
		else
			usleep(50000);
	}
	if (es->dying > 0) {
		kill(-es->dying, SIGKILL);
		waitpid(es->dying, NULL, 0);
	}
	if (es->ev_chld != NULL)
		event_free(es->ev_chld);
	if (es->ev_kill != NULL)
		event_free(es->ev_kill);
	if (es->ev_restart != NULL)
		event_free(es->ev_restart);
	jpeg_split_free(es->split);
	source_h264_free(es->h264);
	free(es);
	src->priv = NULL;
}

const struct source_ops source_exec_ops = {
	.prefix = "exec:",
	.init = exec_init,
	.start = exec_start,
	.stop = exec_stop,
	.destroy = exec_destroy,
};
