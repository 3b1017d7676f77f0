/* SPDX-License-Identifier: MIT */
/* acl.h — who may own a phone: the `owners` key of a [phone] section (docs/configuration.md).
 *
 * Owns: parsing "owners = alice, 1000, @telephony, @1001" and matching a client's credentials.
 * Must not: know about devices or handles.
 */
#ifndef OT_ACL_H
#define OT_ACL_H

#include <stddef.h>
#include <sys/types.h>

struct ot_acl {
	int restricted; /* 0: anyone may own */
	uid_t *uids;
	size_t num_uids;
	gid_t *gids;
	size_t num_gids;
};

struct ot_cred {
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups */
	size_t num_groups;
};

/* Parses the value of `owners`. Returns 0, or -1 with a reason in err (unknown user or group,
 * empty entry, out of memory). */
int ot_acl_parse(const char *value, struct ot_acl *acl, char *err, size_t errlen);
int ot_acl_allows(const struct ot_acl *acl, const struct ot_cred *cred);
void ot_acl_free(struct ot_acl *acl);

/* The credentials of this process. Returns 0 or -1 (out of memory). */
int ot_cred_self(struct ot_cred *cred);
void ot_cred_free(struct ot_cred *cred);

#endif
