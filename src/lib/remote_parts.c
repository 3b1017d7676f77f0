/* SPDX-License-Identifier: MIT */
/* remote_parts.c — the server backend's operations on a device's parts (display, lamps,
 * buttons, hookswitch, ring, volume, gain) and on its identity (phoneGetID, phoneGetIcon,
 * phoneConfigDialog): one request each (docs/protocol.md, protocol version 2).
 *
 * The library reads no more of the caller's memory than the engine would: what it cannot send
 * whole (no pointer, a structure too small, a part outside it) goes as an empty or shortened
 * variable part, and the engine answers with the error it gives in embedded mode, in the same
 * order of checks. */
#include <string.h>

#include "alloc.h"
#include "remote.h"
#include "varcopy.h"

static LONG simple(struct ot_backend *b, struct ot_wire_frame f)
{
	struct call c;

	return ot_remote_transact(from(b), &f, -1, NULL, 0, &c);
}

/* Sends f and returns the reply's result, the reply in *c. */
static LONG ask(struct ot_backend *b, struct ot_wire_frame f, struct call *c)
{
	return ot_remote_transact(from(b), &f, -1, NULL, 0, c);
}

LONG ot_remote_set_display(struct ot_backend *b, HPHONE phone, DWORD row, DWORD column,
			   const char *text, DWORD size)
{
	struct ot_wire_frame f = REQUEST(set_display, .hphone = phone, .row = row, .column = column,
					 .size = size);
	size_t len;

	/* The engine reads the text up to its first NUL: so does the library. */
	if (text && size && size <= OT_WIRE_INLINE_MAX) {
		len = strnlen(text, size);
		f.var = (const uint8_t *)text;
		f.var_len = (uint32_t)(len < size ? len + 1 : len);
	}
	return ot_remote_async(from(b), phone, &f, -1);
}

LONG ot_remote_get_display(struct ot_backend *b, HPHONE phone, VARSTRING *display)
{
	struct ot_wire_frame f = REQUEST(get_display, .hphone = phone,
					 .total_size = display->dwTotalSize);

	return ot_remote_var_struct(from(b), &f, display);
}

LONG ot_remote_set_lamp(struct ot_backend *b, HPHONE phone, DWORD id, DWORD mode)
{
	struct ot_wire_frame f = REQUEST(set_lamp, .hphone = phone, .id = id, .mode = mode);

	return ot_remote_async(from(b), phone, &f, -1);
}

LONG ot_remote_get_lamp(struct ot_backend *b, HPHONE phone, DWORD id, DWORD *mode)
{
	struct call c;
	LONG rc = ask(b, REQUEST(get_lamp, .hphone = phone, .id = id), &c);

	if (rc == 0)
		*mode = (DWORD)c.reply.rep_get_lamp.mode;
	return rc;
}

static const struct ot_var_part button_parts[] = {
	{ offsetof(PHONEBUTTONINFO, dwButtonTextSize), 1 },
	{ offsetof(PHONEBUTTONINFO, dwDevSpecificSize), 0 },
};

/* What of the caller's PHONEBUTTONINFO goes on the wire: a compact copy (*copy, ot_free it), or
 * the bytes that let the engine refuse it (NULL, the structure's first bytes, its fixed part). */
static LONG button_bytes(struct remote *r, HPHONE phone, const PHONEBUTTONINFO *info,
			 struct ot_wire_frame *f, void **copy)
{
	DWORD version = 0x00020002, total;
	uint32_t fixed, len = 0;
	int rc;

	*copy = NULL;
	if (!info)
		return 0;
	ot_remote_known_version(r, phone, &version);
	fixed = version < 0x00010004 ? offsetof(PHONEBUTTONINFO, dwButtonState)
				     : sizeof(PHONEBUTTONINFO);
	total = info->dwTotalSize;
	f->var = (const uint8_t *)info;
	if (total < fixed) {
		f->var_len = total < sizeof(DWORD) ? sizeof(DWORD) : total;
		return 0;
	}
	rc = ot_var_compact(info, fixed, total, sizeof(PHONEBUTTONINFO), button_parts, 2,
			    OT_VAR_COPY, copy, &len);
	if (rc == OT_VAR_ENOMEM)
		return PHONEERR_NOMEM;
	if (rc) { /* a part outside dwTotalSize: the fixed part shows it */
		f->var_len = fixed;
		return 0;
	}
	if (len > OT_WIRE_INLINE_MAX)
		return PHONEERR_RESOURCEUNAVAIL;
	f->var = *copy;
	f->var_len = len;
	return 0;
}

LONG ot_remote_set_button_info(struct ot_backend *b, HPHONE phone, DWORD id,
			       const PHONEBUTTONINFO *info)
{
	struct ot_wire_frame f = REQUEST(set_button_info, .hphone = phone, .id = id);
	void *copy;
	LONG rc = button_bytes(from(b), phone, info, &f, &copy);

	if (rc == 0)
		rc = ot_remote_async(from(b), phone, &f, -1);
	ot_free(copy);
	return rc;
}

LONG ot_remote_get_button_info(struct ot_backend *b, HPHONE phone, DWORD id,
			       PHONEBUTTONINFO *info)
{
	struct ot_wire_frame f = REQUEST(get_button_info, .hphone = phone, .id = id,
					 .total_size = info->dwTotalSize);

	return ot_remote_var_struct(from(b), &f, info);
}

LONG ot_remote_set_hookswitch(struct ot_backend *b, HPHONE phone, DWORD devs, DWORD mode)
{
	struct ot_wire_frame f = REQUEST(set_hookswitch, .hphone = phone, .devs = devs, .mode = mode);

	return ot_remote_async(from(b), phone, &f, -1);
}

LONG ot_remote_get_hookswitch(struct ot_backend *b, HPHONE phone, DWORD *devs)
{
	struct call c;
	LONG rc = ask(b, REQUEST(get_hookswitch, .hphone = phone), &c);

	if (rc == 0)
		*devs = (DWORD)c.reply.rep_get_hookswitch.devs;
	return rc;
}

LONG ot_remote_set_ring(struct ot_backend *b, HPHONE phone, DWORD mode, DWORD volume)
{
	struct ot_wire_frame f = REQUEST(set_ring, .hphone = phone, .mode = mode, .volume = volume);

	return ot_remote_async(from(b), phone, &f, -1);
}

LONG ot_remote_get_ring(struct ot_backend *b, HPHONE phone, DWORD *mode, DWORD *volume)
{
	struct call c;
	LONG rc = ask(b, REQUEST(get_ring, .hphone = phone), &c);

	if (rc == 0) {
		*mode = (DWORD)c.reply.rep_get_ring.mode;
		*volume = (DWORD)c.reply.rep_get_ring.volume;
	}
	return rc;
}

LONG ot_remote_set_level(struct ot_backend *b, HPHONE phone, enum ot_level kind, DWORD dev,
			 DWORD value)
{
	/* SET_GAIN has SET_VOLUME's fields (ops.h). */
	struct ot_wire_frame f = REQUEST(set_volume, .hphone = phone, .device = dev, .value = value);

	if (kind == OT_LEVEL_GAIN)
		f.opcode = OT_WIRE_SET_GAIN;
	return ot_remote_async(from(b), phone, &f, -1);
}

LONG ot_remote_get_level(struct ot_backend *b, HPHONE phone, enum ot_level kind, DWORD dev,
			 DWORD *value)
{
	/* GET_GAIN has GET_VOLUME's fields (ops.h). */
	struct ot_wire_frame f = REQUEST(get_volume, .hphone = phone, .device = dev);
	struct call c;
	LONG rc;

	if (kind == OT_LEVEL_GAIN)
		f.opcode = OT_WIRE_GET_GAIN;
	rc = ask(b, f, &c);
	if (rc == 0)
		*value = (DWORD)c.reply.rep_get_volume.value;
	return rc;
}

/* A class name as a wire text: NULL travels as "", and a name too long for any class as ""
 * too (which no device lists). */
static void class_text(struct ot_wire_frame *f, const char *cls)
{
	size_t len = cls ? strnlen(cls, OT_WIRE_TEXT_MAX) : 0;

	if (len == 0 || len >= OT_WIRE_TEXT_MAX)
		return;
	f->var = (const uint8_t *)cls;
	f->var_len = (uint32_t)len + 1;
}

LONG ot_remote_get_id(struct ot_backend *b, HPHONE phone, const char *cls, VARSTRING *id)
{
	struct ot_wire_frame f = REQUEST(get_id, .hphone = phone, .total_size = id->dwTotalSize);

	class_text(&f, cls);
	return ot_remote_var_struct(from(b), &f, id);
}

LONG ot_remote_get_icon(struct ot_backend *b, DWORD dev, const char *cls, char *name)
{
	struct ot_wire_frame f = REQUEST(get_icon, .device = dev);
	struct call c;
	LONG rc;

	if (cls && strnlen(cls, OT_CLASS_MAX) >= OT_CLASS_MAX)
		return PHONEERR_INVALDEVICECLASS; /* as the engine: before looking at the device */
	class_text(&f, cls);
	rc = ot_remote_transact(from(b), &f, -1, name, OT_ICON_NAME_MAX - 1, &c);
	if (rc == 0 && c.out_len == 0)
		rc = PHONEERR_OPERATIONFAILED;
	if (rc == 0)
		name[c.out_len] = '\0';
	return rc;
}

LONG ot_remote_config_dialog(struct ot_backend *b, DWORD dev, HWND owner, const char *cls)
{
	struct ot_wire_frame f = REQUEST(config_dialog, .device = dev);

	/* The dialog would run in tapisrv, which cannot reach the application's windows. */
	(void)owner;
	if (cls && strnlen(cls, OT_CLASS_MAX) >= OT_CLASS_MAX)
		return PHONEERR_INVALDEVICECLASS;
	class_text(&f, cls);
	return simple(b, f);
}
