/* SPDX-License-Identifier: MIT */
/* acl.c — see acl.h. */
#define _GNU_SOURCE
#include "acl.h"

#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"

/* A number, or the ID of a user (or group) name. */
static int lookup(const char *name, int group, unsigned long *id)
{
	char *end;

	if (isdigit((unsigned char)name[0])) {
		*id = strtoul(name, &end, 10);
		return *end ? -1 : 0;
	}
	if (group) {
		struct group *g = getgrnam(name);

		if (g)
			*id = g->gr_gid;
		return g ? 0 : -1;
	} else {
		struct passwd *p = getpwnam(name);

		if (p)
			*id = p->pw_uid;
		return p ? 0 : -1;
	}
}

static int add_entry(struct ot_acl *acl, const char *entry, char *err, size_t errlen)
{
	int group = entry[0] == '@';
	const char *name = entry + group;
	unsigned long id;

	if (!*name || lookup(name, group, &id) < 0) {
		snprintf(err, errlen, "no such %s '%s'", group ? "group" : "user", name);
		return -1;
	}
	if (group) {
		gid_t *g = ot_realloc(acl->gids, (acl->num_gids + 1) * sizeof(*g));

		if (!g)
			goto nomem;
		acl->gids = g;
		acl->gids[acl->num_gids++] = (gid_t)id;
	} else {
		uid_t *u = ot_realloc(acl->uids, (acl->num_uids + 1) * sizeof(*u));

		if (!u)
			goto nomem;
		acl->uids = u;
		acl->uids[acl->num_uids++] = (uid_t)id;
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int ot_acl_parse(const char *value, struct ot_acl *acl, char *err, size_t errlen)
{
	char *copy = ot_strdup(value), *save = NULL, *tok;
	int rc = 0;

	memset(acl, 0, sizeof(*acl));
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	acl->restricted = 1;
	for (tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		char *end;

		while (isspace((unsigned char)*tok))
			tok++;
		for (end = tok + strlen(tok); end > tok && isspace((unsigned char)end[-1]);)
			*--end = '\0';
		rc = add_entry(acl, tok, err, errlen);
	}
	ot_free(copy);
	if (rc == 0 && !acl->num_uids && !acl->num_gids) {
		snprintf(err, errlen, "no users or groups given");
		rc = -1;
	}
	if (rc)
		ot_acl_free(acl);
	return rc;
}

int ot_acl_allows(const struct ot_acl *acl, const struct ot_cred *cred)
{
	size_t i, k;

	if (!acl->restricted)
		return 1;
	for (i = 0; i < acl->num_uids; i++)
		if (acl->uids[i] == cred->uid)
			return 1;
	for (i = 0; i < acl->num_gids; i++) {
		if (acl->gids[i] == cred->gid)
			return 1;
		for (k = 0; k < cred->num_groups; k++)
			if (acl->gids[i] == cred->groups[k])
				return 1;
	}
	return 0;
}

void ot_acl_free(struct ot_acl *acl)
{
	ot_free(acl->uids);
	ot_free(acl->gids);
	memset(acl, 0, sizeof(*acl));
}

int ot_cred_self(struct ot_cred *cred)
{
	int n = getgroups(0, NULL);

	cred->uid = geteuid();
	cred->gid = getegid();
	cred->groups = NULL;
	cred->num_groups = 0;
	if (n <= 0)
		return 0;
	cred->groups = ot_calloc((size_t)n, sizeof(gid_t));
	if (!cred->groups)
		return -1;
	n = getgroups(n, cred->groups);
	cred->num_groups = n > 0 ? (size_t)n : 0;
	return 0;
}

void ot_cred_free(struct ot_cred *cred)
{
	ot_free(cred->groups);
	cred->groups = NULL;
	cred->num_groups = 0;
}
