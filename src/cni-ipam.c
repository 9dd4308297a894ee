/* SPDX-License-Identifier: MIT */
/*
 * Delegated IPAM (the spec's "delegated plugin" protocol: same configuration
 * on stdin, CNI_COMMAND and the rest in the environment, the result or an
 * error object on stdout) and the state each ADD leaves for DEL and GC:
 * /run/tunown/cni/NETWORK/CONTAINERID:IFNAME, which namespace and which
 * device (by ifindex) this plugin made. /run goes with the boot, as the
 * namespaces and devices do.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cni.h"

#define STATE_DIR "/run/tunown/cni"
#define OUTPUT_MAX (1u << 20)

/* The first CNI_PATH directory that holds an executable TYPE. */
static int find_plugin(const char *path, const char *type, char *out, size_t len)
{
	const char *p = path ? path : "";

	while (*p) {
		size_t n = strcspn(p, ":");
		if (n && snprintf(out, len, "%.*s/%s", (int)n, p, type) < (int)len && access(out, X_OK) == 0)
			return 0;
		p += n + (p[n] == ':');
	}
	return -ENOENT;
}

static void child(const char *plugin, const char *command, const char *cid, const char *ifname,
		  int home_fd, int in, int out)
{
	if ((home_fd >= 0 && setns(home_fd, CLONE_NEWNET) < 0) || dup2(in, 0) < 0 || dup2(out, 1) < 0)
		_exit(127);
	setenv("CNI_COMMAND", command, 1);
	if (cid)
		setenv("CNI_CONTAINERID", cid, 1);
	if (ifname)
		setenv("CNI_IFNAME", ifname, 1);
	execl(plugin, plugin, (char *)NULL);
	_exit(127);
}

/* Runs it: conf in, everything it prints out (NUL-terminated), its wait status. */
static int run(const char *plugin, const char *command, const char *cid, const char *ifname, int home_fd,
	       const char *conf, char **out, int *status)
{
	int in[2] = { -1, -1 }, res[2] = { -1, -1 }, r = 0;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	pid_t pid;

	if (!buf || pipe2(in, O_CLOEXEC) < 0 || pipe2(res, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto out;
	}
	if (pid == 0)
		child(plugin, command, cid, ifname, home_fd, in[0], res[1]);
	close(in[0]);
	close(res[1]);
	in[0] = res[1] = -1;
	/* SIGPIPE would end us when the plugin does not read its stdin. */
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	for (size_t done = 0, n = strlen(conf); done < n;) {
		ssize_t w = write(in[1], conf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	close(in[1]);
	in[1] = -1;
	for (;;) {
		if (len + 1 >= cap) {
			char *b = cap < OUTPUT_MAX ? realloc(buf, cap * 2) : NULL;
			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
		ssize_t n = read(res[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	{
		struct timespec zero = { 0 };
		siginfo_t si;
		/* A SIGPIPE of our own write is not left pending. */
		while (sigtimedwait(&pipe_set, &si, &zero) > 0)
			;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (res[i] >= 0)
			close(res[i]);
	}
	free(buf);
	return r;
}

/* The plugin's error object as ours, or a line about how it ended. */
static int plugin_failed(const char *type, const char *command, const char *out, int status, struct cni_err *e)
{
	json_t *o = json_loads(out, 0, NULL);
	json_t *code = json_object_get(o, "code"), *msg = json_object_get(o, "msg"), *det = json_object_get(o, "details");

	if (json_is_integer(code) && json_is_string(msg)) {
		cni_fail(e, (int)json_integer_value(code), "IPAM plugin '%s' %s: %s", type, command, json_string_value(msg));
		if (json_is_string(det))
			snprintf(e->details, sizeof(e->details), "%s", json_string_value(det));
	} else if (WIFEXITED(status)) {
		cni_fail(e, CNI_ERR_FAILED, "IPAM plugin '%s' %s failed with exit status %d: %.200s", type, command,
			 WEXITSTATUS(status), out);
	} else {
		cni_fail(e, CNI_ERR_FAILED, "IPAM plugin '%s' %s was killed by signal %d", type, command,
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
	json_decref(o);
	return -1;
}

int cni_ipam(const struct cni_req *r, const char *command, const char *container_id, const char *ifname,
	     int home_fd, json_t **result, struct cni_err *e)
{
	char plugin[4096], *conf = NULL, *out = NULL;
	int status = 0, rc;

	if (result)
		*result = NULL;
	if (find_plugin(r->path, r->ipam_type, plugin, sizeof(plugin)) < 0)
		return cni_fail(e, CNI_ERR_CONFIG, "IPAM plugin '%s' not found in CNI_PATH '%s'", r->ipam_type,
				r->path ? r->path : "");
	conf = json_dumps(r->conf, JSON_COMPACT);
	if (!conf)
		return cni_fail(e, CNI_ERR_FAILED, "%s", strerror(ENOMEM));
	rc = run(plugin, command, container_id, ifname, home_fd, conf, &out, &status);
	free(conf);
	if (rc < 0)
		return cni_fail(e, CNI_ERR_FAILED, "cannot run IPAM plugin '%s': %s", plugin, strerror(-rc));
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		rc = plugin_failed(r->ipam_type, command, out, status, e);
		free(out);
		return rc;
	}
	if (result) {
		json_error_t je;
		*result = json_loads(out, 0, &je);
		if (!json_is_object(*result)) {
			json_decref(*result);
			*result = NULL;
			cni_fail(e, CNI_ERR_DECODE, "IPAM plugin '%s' %s: its result is not a JSON object: %s", r->ipam_type,
				 command, je.text);
			free(out);
			return -1;
		}
	}
	free(out);
	return 0;
}

/* ---- state ------------------------------------------------------------------- */

static int state_path(const struct cni_req *r, const char *cid, const char *ifname, char *buf, size_t len)
{
	int n = cid ? snprintf(buf, len, STATE_DIR "/%s/%s:%s", r->network, cid, ifname)
		    : snprintf(buf, len, STATE_DIR "/%s", r->network);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int mkdirs(const struct cni_req *r)
{
	char dir[4096];

	if ((mkdir("/run/tunown", 0755) < 0 && errno != EEXIST) || (mkdir(STATE_DIR, 0700) < 0 && errno != EEXIST))
		return -errno;
	if (state_path(r, NULL, NULL, dir, sizeof(dir)) < 0)
		return -ENAMETOOLONG;
	return mkdir(dir, 0700) < 0 && errno != EEXIST ? -errno : 0;
}

int cni_state_write(const struct cni_req *r, const char *cid, const char *ifname, const struct cni_state *s)
{
	char path[4096], tmp[4200];
	json_t *o = NULL;
	int rc;

	if ((rc = mkdirs(r)) < 0 || (rc = state_path(r, cid, ifname, path, sizeof(path))) < 0)
		return rc;
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	o = json_pack("{s:s, s:s, s:i, s:I, s:I}", "netns", s->netns, "device", s->device, "ifindex", s->ifindex,
		      "nsDev", (json_int_t)s->ns_dev, "nsIno", (json_int_t)s->ns_ino);
	if (!o)
		return -ENOMEM;
	rc = json_dump_file(o, tmp, JSON_COMPACT) < 0 ? -EIO : 0;
	json_decref(o);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

int cni_state_read(const struct cni_req *r, const char *cid, const char *ifname, struct cni_state *s)
{
	char path[4096];
	const char *ns, *dev;
	json_int_t d, i;
	json_t *o;
	int rc;

	if ((rc = state_path(r, cid, ifname, path, sizeof(path))) < 0)
		return rc;
	if (access(path, F_OK) < 0)
		return -errno;
	o = json_load_file(path, 0, NULL);
	if (!o || json_unpack(o, "{s:s, s:s, s:i, s:I, s:I}", "netns", &ns, "device", &dev, "ifindex", &s->ifindex,
			      "nsDev", &d, "nsIno", &i) < 0) {
		json_decref(o);
		return -EBADMSG;
	}
	snprintf(s->netns, sizeof(s->netns), "%s", ns);
	ifname_copy(s->device, dev);
	s->ns_dev = (unsigned long long)d;
	s->ns_ino = (unsigned long long)i;
	json_decref(o);
	return 0;
}

int cni_state_remove(const struct cni_req *r, const char *cid, const char *ifname)
{
	char path[4096];
	int rc;

	if ((rc = state_path(r, cid, ifname, path, sizeof(path))) < 0)
		return rc;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

int cni_state_walk(const struct cni_req *r, cni_state_fn fn, void *data)
{
	char dir[4096];
	struct dirent *d;
	DIR *dp;
	int rc = 0;

	if (state_path(r, NULL, NULL, dir, sizeof(dir)) < 0)
		return -ENAMETOOLONG;
	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while (!rc && (d = readdir(dp))) {
		char cid[256];
		const char *colon = strchr(d->d_name, ':');
		size_t n = colon ? (size_t)(colon - d->d_name) : 0;
		if (!colon || !n || n >= sizeof(cid) || strstr(colon, ".new"))
			continue;
		memcpy(cid, d->d_name, n);
		cid[n] = '\0';
		rc = fn(cid, colon + 1, data);
	}
	closedir(dp);
	return rc;
}
