/* SPDX-License-Identifier: MIT */
/* store.h — the data areas of one simulated phone, kept durable with a write-ahead log.
 *
 * Owns: the phone's directory <state>/sim/<key>/ (lock, area-<N>, wal, state), the process lock
 * on it, the area contents in memory, the write-ahead log (append, group commit, rollback on
 * failure), recovery at open and checkpoints, and the atomic replacement of the state file (the
 * device state that device.c encodes). Also the in-memory variant for durable = no (no files).
 * Must not: know about TSPI, request IDs or callbacks; create threads. Errors are 0 / -errno.
 *
 * Durability contract. A write is durable once sim_store_sync() has returned 0 after the
 * sim_store_append() that carried it; a crash at any moment leaves each area with the old or the
 * new content of every write, never a torn mix. A write whose append or sync failed never shows in
 * the area (now or after a crash), except when the rollback of a failed sync itself fails: the
 * store then refuses further writes with -EIO until it is reopened, and recovery may show the
 * failed write.
 *
 * Concurrency. One thread writes (append/sync/apply/checkpoint/close); sim_store_read() may run
 * on any thread at the same time and sees only applied content.
 *
 * On-disk format (little-endian):
 *   wal       empty, or a header followed by records, then zeros or records of an earlier
 *             generation: the file is preallocated with written zeros and reused in place
 *             (see SIM_STORE_WAL_PREALLOC); a checkpoint writes a new header (new base) and
 *             makes it durable before records of the new generation overwrite old ones.
 *             header: magic u32 = SIM_WAL_MAGIC, version u32 = 1, base u64, reserved u32 = 0,
 *                     crc32c u32 over the first 20 bytes                         (24 bytes)
 *             record: magic u32 = SIM_REC_MAGIC, length u32, area u32, sequence u64,
 *                     crc32c u32 over the first 20 header bytes and the payload  (24 bytes)
 *                     then `length` payload bytes.
 *             The first record's sequence is the header's base (random per wal generation), each
 *             later one adds 1. Replay stops at the first record that is short, has a bad magic,
 *             crc or sequence, or does not fit its area (zeros and older records always do).
 *   area-<N>  exactly the area's size; created sparse.
 *   lock      empty; held with flock(LOCK_EX) while the store is open.
 *   state     the device state: magic u32 = SIM_STATE_MAGIC, version u32 = 1, length u32,
 *             crc32c u32 over the first 12 bytes and the payload                  (16 bytes)
 *             then `length` payload bytes (device.c's format). Replaced as a whole: written
 *             to state.tmp, fdatasync'ed, renamed over state, and the directory fsync'ed.
 */
#ifndef SIM_STORE_H
#define SIM_STORE_H

#include <stddef.h>
#include <stdint.h>

#define SIM_STORE_MAX_AREAS 64u
#define SIM_STORE_MAX_AREA_SIZE 1073741824u
/* A checkpoint runs when the wal has grown past this many bytes (and at close). */
#define SIM_STORE_CHECKPOINT_BYTES (8u << 20)
/* The wal file is padded with written zeros ahead of its records, by a step of its own size
 * (at least GROW_MIN, at most GROW_MAX bytes), up to PREALLOC bytes: the checkpoint threshold
 * plus room for the record that crosses it. It is then reused, never truncated, so a commit is
 * an overwrite. Records beyond PREALLOC extend the file; the checkpoint cuts it back. */
#define SIM_STORE_WAL_GROW_MIN (64u << 10)
#define SIM_STORE_WAL_GROW_MAX (1u << 20)
#define SIM_STORE_WAL_PREALLOC (SIM_STORE_CHECKPOINT_BYTES + (1u << 20))

#define SIM_WAL_MAGIC 0x4c415754u /* "TWAL" */
#define SIM_REC_MAGIC 0x43455254u /* "TREC" */
#define SIM_WAL_VERSION 1u
#define SIM_WAL_HEADER_SIZE 24u
#define SIM_REC_HEADER_SIZE 24u
#define SIM_STATE_MAGIC 0x41545354u /* "TSTA" */
#define SIM_STATE_FILE_VERSION 1u
#define SIM_STATE_HEADER_SIZE 16u
#define SIM_STATE_MAX_PAYLOAD (1u << 20)

struct sim_store;

struct sim_store_params {
	const char *state_dir;      /* state root (durable only); may not exist yet */
	const char *name;           /* the phone's name: directory key and log messages */
	const uint32_t *area_sizes; /* num_areas sizes, each 1 … SIM_STORE_MAX_AREA_SIZE */
	uint32_t num_areas;         /* 0 … SIM_STORE_MAX_AREAS */
	int durable;                /* 0: areas in anonymous memory, no files at all */
	int has_state;              /* the phone keeps a state file (with durable) */
};

struct sim_store_write {
	uint32_t area;
	uint32_t len;      /* bytes written at the start of the area */
	const void *data;  /* not copied; must stay valid until sim_store_apply() returns */
};

/* Opens (creating as needed) the phone's store and recovers it: replays the complete records of
 * the wal, makes the areas durable, empties the wal, resizes area files whose configured size
 * changed, and removes a state.tmp left by a crash. A phone with neither areas nor state, or
 * durable = 0, has no files. Returns 0 and *out, or
 * -EWOULDBLOCK (another process has the store open), -EINVAL (bad parameters), -ENOMEM, or the
 * -errno of a failed file operation. */
int sim_store_open(const struct sim_store_params *p, struct sim_store **out);
/* Checkpoints (when anything changed) and releases the store, its memory and its lock. A failed
 * checkpoint is logged and loses nothing: the wal still holds the writes. */
void sim_store_close(struct sim_store *s);

uint32_t sim_store_num_areas(const struct sim_store *s);
uint32_t sim_store_area_size(const struct sim_store *s, uint32_t area);
int sim_store_is_durable(const struct sim_store *s);

/* Copies min(len, area size) bytes of applied content into buf. Returns the count, or -EINVAL. */
long sim_store_read(struct sim_store *s, uint32_t area, void *buf, size_t len);

/* Group commit, in three phases: append any number of writes (of this and other stores), sync
 * every store appended to, then apply the writes that were synced.
 *
 * sim_store_append: appends one wal record per write, in order. Returns how many of w[0 … n)
 * were appended (a prefix); when fewer than n, *err is set (-EINVAL: bad area or length; -EIO:
 * store broken; or the write's -errno), the wal is cut back to the last appended record, and one
 * line is logged. In-memory stores append nothing and return n (after the same checks). */
size_t sim_store_append(struct sim_store *s, const struct sim_store_write *w, size_t n, int *err);
/* Makes everything appended since the last sync durable (one fdatasync). On failure the
 * unsynced records are dropped (the wal is cut back and that is synced), one line is logged, and
 * -errno is returned: none of those writes may be applied. */
int sim_store_sync(struct sim_store *s);
/* Copies a synced write into its area, where sim_store_read sees it. */
void sim_store_apply(struct sim_store *s, const struct sim_store_write *w);
/* append + sync + apply of one write. */
int sim_store_write(struct sim_store *s, uint32_t area, const void *data, uint32_t len);

/* Checkpoint: writes changed area bytes to the area files, syncs them, starts a new wal
 * generation in the same file (a new header, synced; see the on-disk format above). Returns
 * 0 or -errno (the wal is then kept, so nothing is lost). maybe_: only when the wal has grown
 * past the threshold (after a failure, the threshold moves on by SIM_STORE_CHECKPOINT_BYTES). */
int sim_store_checkpoint(struct sim_store *s);
int sim_store_maybe_checkpoint(struct sim_store *s);
/* The state file. save: replaces it atomically with payload (len <= SIM_STATE_MAX_PAYLOAD);
 * returns 0 once the new content is durable, or -errno (logged once per errno) with the old file
 * in place -- except when only the final directory fsync failed: the rename is then done but may
 * not survive a crash. load: *payload = a copy (ot_free it) and *len, or NULL and 0 when there is
 * no state file; -EINVAL when the file is damaged (bad magic, version, length or CRC), -ENOMEM, or
 * the -errno of the read. In-memory stores save nothing and load nothing. */
int sim_store_save_state(struct sim_store *s, const void *payload, size_t len);
int sim_store_load_state(struct sim_store *s, void **payload, size_t *len);

/* Bytes of the current wal generation (header and records); 0 when it holds no record, and for
 * in-memory stores. */
uint64_t sim_store_wal_size(const struct sim_store *s);

/* The directory name of a phone: bytes outside [A-Za-z0-9._-] become %XX (upper-case hex); ""
 * becomes "%", "." and ".." become "%2E" and "%2E%2E"; a key longer than 255 bytes is cut to 200
 * bytes (never inside a %XX) followed by '~' and 16 hex digits of a hash of the whole name.
 * Returns the key's length, or -ENAMETOOLONG when size is too small (256 is always enough). */
int sim_store_key(const char *name, char *buf, size_t size);


#endif
