/* SPDX-License-Identifier: MIT */
/* ops.h — every request of the wire protocol, defined once (docs/protocol.md).
 *
 * Owns: the table below. Each row names a request, its opcode, its fixed fields by name and kind,
 * its variable part and whether it may carry a descriptor, and likewise its reply (whose first
 * field is always `result`). Everything else about a request follows from its row:
 *   - the opcode constant OT_WIRE_<NAME> and its printable name (wire.h, wire.c);
 *   - the schema the codec checks both directions against (wire.c);
 *   - named views of the fixed fields, f->req_<name>.<field> and f->rep_<name>.<field>, and the
 *     index of each field, OT_F_req_<name>_<field> (wire.h);
 *   - OT_WIRE_REQUEST(name, .field = value, ...), which builds a request (wire.h);
 *   - the server's handler table, indexed by OT_OPX_<NAME> (src/server/dispatch.c: a request
 *     without a handler named <name> does not compile).
 * Must not: say what a field means to TAPI (the engine does), or change a row that shipped: new
 * requests take the next free opcode of their range (wire.h says which ranges exist).
 *
 * A field list F(c, kind, name): kind d is a 32-bit value (DWORD, LONG, handle), q a 64-bit one.
 * A variable part: OT_VAR_NONE, OT_VAR_TEXT (a NUL-terminated string), or OT_VAR_BYTES(index of
 * the field that gives its length, or -1).
 */
#ifndef OT_PROTO_OPS_H
#define OT_PROTO_OPS_H

/* NAME, name, opcode, request fields, its variable part, may carry a descriptor, reply fields
 * after `result`, the reply's variable part. */
#define OT_WIRE_OPS(X)                                                                                 \
	/* 0x00xx: the connection */                                                                   \
	X(HELLO, hello, 0x0001, OT_REQ_HELLO, OT_VAR_NONE, 0, OT_REP_HELLO, OT_VAR_TEXT)               \
	/* 0x01xx: apps and device IDs */                                                              \
	X(APP_NEW, app_new, 0x0100, OT_REQ_APP_NEW, OT_VAR_TEXT, 0, OT_REP_APP_NEW, OT_VAR_NONE)       \
	X(APP_FREE, app_free, 0x0101, OT_REQ_APP_FREE, OT_VAR_NONE, 0, OT_REP_NONE, OT_VAR_NONE)       \
	X(NEGOTIATE_API, negotiate_api, 0x0102, OT_REQ_NEGOTIATE_API, OT_VAR_NONE, 0,                  \
	  OT_REP_NEGOTIATE_API, OT_VAR_NONE)                                                           \
	X(NEGOTIATE_EXT, negotiate_ext, 0x0103, OT_REQ_NEGOTIATE_EXT, OT_VAR_NONE, 0,                  \
	  OT_REP_NEGOTIATE_EXT, OT_VAR_NONE)                                                           \
	X(GET_DEV_CAPS, get_dev_caps, 0x0104, OT_REQ_GET_DEV_CAPS, OT_VAR_NONE, 0, OT_REP_NONE,        \
	  OT_VAR_BYTES(-1))                                                                            \
	X(OPEN, open, 0x0105, OT_REQ_OPEN, OT_VAR_NONE, 0, OT_REP_OPEN, OT_VAR_NONE)                   \
	/* protocol version 2: */                                                                      \
	X(GET_ICON, get_icon, 0x0106, OT_REQ_DEVICE, OT_VAR_TEXT, 0, OT_REP_NONE, OT_VAR_TEXT)         \
	X(CONFIG_DIALOG, config_dialog, 0x0107, OT_REQ_DEVICE, OT_VAR_TEXT, 0, OT_REP_NONE,            \
	  OT_VAR_NONE)                                                                                 \
	/* 0x02xx: phone handles */                                                                    \
	X(CLOSE, close, 0x0200, OT_REQ_PHONE, OT_VAR_NONE, 0, OT_REP_NONE, OT_VAR_NONE)                \
	X(SET_DATA, set_data, 0x0201, OT_REQ_DATA, OT_VAR_BYTES(OT_F_req_set_data_size), 1,           \
	  OT_REP_NONE, OT_VAR_NONE)                                                                    \
	/* GET_DATA's descriptor is a memfd the server fills; the reply's size then has no bytes. */   \
	X(GET_DATA, get_data, 0x0202, OT_REQ_DATA, OT_VAR_NONE, 1, OT_REP_GET_DATA, OT_VAR_BYTES(-1)) \
	X(DEV_SPECIFIC, dev_specific, 0x0203, OT_REQ_DEV_SPECIFIC,                                     \
	  OT_VAR_BYTES(OT_F_req_dev_specific_size), 0, OT_REP_NONE, OT_VAR_NONE)                       \
	X(GET_STATUS, get_status, 0x0204, OT_REQ_STRUCT, OT_VAR_NONE, 0, OT_REP_NONE,                  \
	  OT_VAR_BYTES(-1))                                                                            \
	X(SET_STATUS_MESSAGES, set_status_messages, 0x0205, OT_REQ_STATUS_MESSAGES, OT_VAR_NONE, 0,    \
	  OT_REP_NONE, OT_VAR_NONE)                                                                    \
	X(GET_STATUS_MESSAGES, get_status_messages, 0x0206, OT_REQ_PHONE, OT_VAR_NONE, 0,              \
	  OT_REP_STATUS_MESSAGES, OT_VAR_NONE)                                                         \
	/* 0x03xx: phone handles, the device's parts (protocol version 2). SET_DISPLAY's bytes are    \
	 * empty when the text is not sent (no pointer, or too long): no size field ties them, the    \
	 * server checks "all or nothing" itself. */                                                   \
	X(SET_DISPLAY, set_display, 0x0300, OT_REQ_SET_DISPLAY, OT_VAR_BYTES(-1), 0, OT_REP_NONE,      \
	  OT_VAR_NONE)                                                                                 \
	X(GET_DISPLAY, get_display, 0x0301, OT_REQ_STRUCT, OT_VAR_NONE, 0, OT_REP_NONE,                \
	  OT_VAR_BYTES(-1))                                                                            \
	X(SET_LAMP, set_lamp, 0x0302, OT_REQ_SET_ID_MODE, OT_VAR_NONE, 0, OT_REP_NONE, OT_VAR_NONE)    \
	X(GET_LAMP, get_lamp, 0x0303, OT_REQ_ID, OT_VAR_NONE, 0, OT_REP_MODE, OT_VAR_NONE)             \
	X(SET_BUTTON_INFO, set_button_info, 0x0304, OT_REQ_ID, OT_VAR_BYTES(-1), 0, OT_REP_NONE,       \
	  OT_VAR_NONE)                                                                                 \
	X(GET_BUTTON_INFO, get_button_info, 0x0305, OT_REQ_ID_STRUCT, OT_VAR_NONE, 0, OT_REP_NONE,     \
	  OT_VAR_BYTES(-1))                                                                            \
	X(SET_HOOKSWITCH, set_hookswitch, 0x0306, OT_REQ_SET_HOOKSWITCH, OT_VAR_NONE, 0, OT_REP_NONE,  \
	  OT_VAR_NONE)                                                                                 \
	X(GET_HOOKSWITCH, get_hookswitch, 0x0307, OT_REQ_PHONE, OT_VAR_NONE, 0, OT_REP_HOOKSWITCH,     \
	  OT_VAR_NONE)                                                                                 \
	X(SET_RING, set_ring, 0x0308, OT_REQ_SET_RING, OT_VAR_NONE, 0, OT_REP_NONE, OT_VAR_NONE)       \
	X(GET_RING, get_ring, 0x0309, OT_REQ_PHONE, OT_VAR_NONE, 0, OT_REP_RING, OT_VAR_NONE)          \
	X(SET_VOLUME, set_volume, 0x030A, OT_REQ_SET_LEVEL, OT_VAR_NONE, 0, OT_REP_NONE, OT_VAR_NONE)  \
	X(GET_VOLUME, get_volume, 0x030B, OT_REQ_LEVEL, OT_VAR_NONE, 0, OT_REP_LEVEL, OT_VAR_NONE)     \
	X(SET_GAIN, set_gain, 0x030C, OT_REQ_SET_LEVEL, OT_VAR_NONE, 0, OT_REP_NONE, OT_VAR_NONE)      \
	X(GET_GAIN, get_gain, 0x030D, OT_REQ_LEVEL, OT_VAR_NONE, 0, OT_REP_LEVEL, OT_VAR_NONE)         \
	X(GET_ID, get_id, 0x030E, OT_REQ_STRUCT, OT_VAR_TEXT, 0, OT_REP_NONE, OT_VAR_BYTES(-1))

/* The field lists. Several requests share one. */
#define OT_REQ_HELLO(F, c) F(c, d, magic) F(c, d, proto_version) F(c, d, client_pid)
#define OT_REP_HELLO(F, c) F(c, d, proto_version) F(c, d, software_version)
#define OT_REQ_APP_NEW(F, c) F(c, d, api_version) F(c, q, cookie)
#define OT_REP_APP_NEW(F, c) F(c, d, hphoneapp) F(c, d, num_devices)
#define OT_REQ_APP_FREE(F, c) F(c, d, hphoneapp)
#define OT_REQ_NEGOTIATE_API(F, c) F(c, d, hphoneapp) F(c, d, device) F(c, d, low) F(c, d, high)
#define OT_REP_NEGOTIATE_API(F, c)                                                                 \
	F(c, d, api_version) F(c, d, ext_id0) F(c, d, ext_id1) F(c, d, ext_id2) F(c, d, ext_id3)
#define OT_REQ_NEGOTIATE_EXT(F, c)                                                                 \
	F(c, d, hphoneapp) F(c, d, device) F(c, d, api_version) F(c, d, low) F(c, d, high)
#define OT_REP_NEGOTIATE_EXT(F, c) F(c, d, ext_version)
#define OT_REQ_GET_DEV_CAPS(F, c)                                                                  \
	F(c, d, hphoneapp) F(c, d, device) F(c, d, api_version) F(c, d, ext_version)             \
	F(c, d, total_size)
#define OT_REQ_OPEN(F, c)                                                                          \
	F(c, d, hphoneapp) F(c, d, device) F(c, d, api_version) F(c, d, ext_version)             \
	F(c, q, callback_instance) F(c, d, privilege)
#define OT_REP_OPEN(F, c) F(c, d, hphone)
#define OT_REQ_DEVICE(F, c) F(c, d, device)
#define OT_REQ_PHONE(F, c) F(c, d, hphone)
#define OT_REQ_DATA(F, c) F(c, d, hphone) F(c, d, data_id) F(c, d, size)
#define OT_REP_GET_DATA(F, c) F(c, d, size)
#define OT_REQ_DEV_SPECIFIC(F, c) F(c, d, hphone) F(c, d, size)
#define OT_REQ_STRUCT(F, c) F(c, d, hphone) F(c, d, total_size)
#define OT_REQ_STATUS_MESSAGES(F, c)                                                               \
	F(c, d, hphone) F(c, d, phone_states) F(c, d, button_modes) F(c, d, button_states)
#define OT_REP_STATUS_MESSAGES(F, c)                                                               \
	F(c, d, phone_states) F(c, d, button_modes) F(c, d, button_states)
#define OT_REQ_SET_DISPLAY(F, c) F(c, d, hphone) F(c, d, row) F(c, d, column) F(c, d, size)
#define OT_REQ_ID(F, c) F(c, d, hphone) F(c, d, id)
#define OT_REQ_SET_ID_MODE(F, c) F(c, d, hphone) F(c, d, id) F(c, d, mode)
#define OT_REQ_ID_STRUCT(F, c) F(c, d, hphone) F(c, d, id) F(c, d, total_size)
#define OT_REP_MODE(F, c) F(c, d, mode)
#define OT_REQ_SET_HOOKSWITCH(F, c) F(c, d, hphone) F(c, d, devs) F(c, d, mode)
#define OT_REP_HOOKSWITCH(F, c) F(c, d, devs)
#define OT_REQ_SET_RING(F, c) F(c, d, hphone) F(c, d, mode) F(c, d, volume)
#define OT_REP_RING(F, c) F(c, d, mode) F(c, d, volume)
#define OT_REQ_LEVEL(F, c) F(c, d, hphone) F(c, d, device)
#define OT_REQ_SET_LEVEL(F, c) F(c, d, hphone) F(c, d, device) F(c, d, value)
#define OT_REP_LEVEL(F, c) F(c, d, value)
#define OT_REP_NONE(F, c)

#endif
