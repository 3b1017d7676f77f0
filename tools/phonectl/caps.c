/* SPDX-License-Identifier: MIT */
/* caps.c — "phonectl list" and "phonectl caps": what phoneGetDevCapsA says about each phone,
 * decoded for people. */
#include "phonectl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errors.h"

#define B(prefix, x) { prefix##x, #x }

const struct pc_bit_name pc_phonestate_names[] = {
	B(PHONESTATE_, OTHER),
	B(PHONESTATE_, CONNECTED),
	B(PHONESTATE_, DISCONNECTED),
	B(PHONESTATE_, OWNER),
	B(PHONESTATE_, MONITORS),
	B(PHONESTATE_, DISPLAY),
	B(PHONESTATE_, LAMP),
	B(PHONESTATE_, RINGMODE),
	B(PHONESTATE_, RINGVOLUME),
	B(PHONESTATE_, HANDSETHOOKSWITCH),
	B(PHONESTATE_, HANDSETVOLUME),
	B(PHONESTATE_, HANDSETGAIN),
	B(PHONESTATE_, SPEAKERHOOKSWITCH),
	B(PHONESTATE_, SPEAKERVOLUME),
	B(PHONESTATE_, SPEAKERGAIN),
	B(PHONESTATE_, HEADSETHOOKSWITCH),
	B(PHONESTATE_, HEADSETVOLUME),
	B(PHONESTATE_, HEADSETGAIN),
	B(PHONESTATE_, SUSPEND),
	B(PHONESTATE_, RESUME),
	B(PHONESTATE_, DEVSPECIFIC),
	B(PHONESTATE_, REINIT),
	B(PHONESTATE_, CAPSCHANGE),
	B(PHONESTATE_, REMOVED),
	{ 0, NULL },
};

static const struct pc_bit_name feature_names[] = {
	B(PHONEFEATURE_, GETBUTTONINFO),
	B(PHONEFEATURE_, GETDATA),
	B(PHONEFEATURE_, GETDISPLAY),
	B(PHONEFEATURE_, GETGAINHANDSET),
	B(PHONEFEATURE_, GETGAINSPEAKER),
	B(PHONEFEATURE_, GETGAINHEADSET),
	B(PHONEFEATURE_, GETHOOKSWITCHHANDSET),
	B(PHONEFEATURE_, GETHOOKSWITCHSPEAKER),
	B(PHONEFEATURE_, GETHOOKSWITCHHEADSET),
	B(PHONEFEATURE_, GETLAMP),
	B(PHONEFEATURE_, GETRING),
	B(PHONEFEATURE_, GETVOLUMEHANDSET),
	B(PHONEFEATURE_, GETVOLUMESPEAKER),
	B(PHONEFEATURE_, GETVOLUMEHEADSET),
	B(PHONEFEATURE_, SETBUTTONINFO),
	B(PHONEFEATURE_, SETDATA),
	B(PHONEFEATURE_, SETDISPLAY),
	B(PHONEFEATURE_, SETGAINHANDSET),
	B(PHONEFEATURE_, SETGAINSPEAKER),
	B(PHONEFEATURE_, SETGAINHEADSET),
	B(PHONEFEATURE_, SETHOOKSWITCHHANDSET),
	B(PHONEFEATURE_, SETHOOKSWITCHSPEAKER),
	B(PHONEFEATURE_, SETHOOKSWITCHHEADSET),
	B(PHONEFEATURE_, SETLAMP),
	B(PHONEFEATURE_, SETRING),
	B(PHONEFEATURE_, SETVOLUMEHANDSET),
	B(PHONEFEATURE_, SETVOLUMESPEAKER),
	B(PHONEFEATURE_, SETVOLUMEHEADSET),
#ifdef PHONEFEATURE_GENERICPHONE
	B(PHONEFEATURE_, GENERICPHONE),
#endif
	{ 0, NULL },
};

static const struct pc_bit_name string_format_names[] = {
	B(STRINGFORMAT_, ASCII),
	B(STRINGFORMAT_, DBCS),
	B(STRINGFORMAT_, UNICODE),
	B(STRINGFORMAT_, BINARY),
	{ 0, NULL },
};

const struct pc_bit_name pc_hookswitch_mode_names[] = {
	B(PHONEHOOKSWITCHMODE_, ONHOOK),
	B(PHONEHOOKSWITCHMODE_, MIC),
	B(PHONEHOOKSWITCHMODE_, SPEAKER),
	B(PHONEHOOKSWITCHMODE_, MICSPEAKER),
	B(PHONEHOOKSWITCHMODE_, UNKNOWN),
	{ 0, NULL },
};

const struct pc_bit_name pc_hookswitch_dev_names[] = {
	B(PHONEHOOKSWITCHDEV_, HANDSET),
	B(PHONEHOOKSWITCHDEV_, SPEAKER),
	B(PHONEHOOKSWITCHDEV_, HEADSET),
	{ 0, NULL },
};

const struct pc_bit_name pc_button_mode_names[] = {
	B(PHONEBUTTONMODE_, DUMMY),
	B(PHONEBUTTONMODE_, CALL),
	B(PHONEBUTTONMODE_, FEATURE),
	B(PHONEBUTTONMODE_, KEYPAD),
	B(PHONEBUTTONMODE_, LOCAL),
	B(PHONEBUTTONMODE_, DISPLAY),
	{ 0, NULL },
};

const struct pc_bit_name pc_button_state_names[] = {
	B(PHONEBUTTONSTATE_, UP),
	B(PHONEBUTTONSTATE_, DOWN),
	B(PHONEBUTTONSTATE_, UNKNOWN),
	B(PHONEBUTTONSTATE_, UNAVAIL),
	{ 0, NULL },
};

const struct pc_bit_name pc_lamp_mode_names[] = {
	B(PHONELAMPMODE_, DUMMY),
	B(PHONELAMPMODE_, OFF),
	B(PHONELAMPMODE_, STEADY),
	B(PHONELAMPMODE_, WINK),
	B(PHONELAMPMODE_, FLASH),
	B(PHONELAMPMODE_, FLUTTER),
	B(PHONELAMPMODE_, BROKENFLUTTER),
	B(PHONELAMPMODE_, UNKNOWN),
	{ 0, NULL },
};

/* Not bits but an enumeration: look values up with pc_value_name(). UNKNOWN is 0, so it cannot
 * end the table; the table ends at the NULL name. */
const struct pc_bit_name pc_button_function_names[] = {
	B(PHONEBUTTONFUNCTION_, UNKNOWN),
	B(PHONEBUTTONFUNCTION_, CONFERENCE),
	B(PHONEBUTTONFUNCTION_, TRANSFER),
	B(PHONEBUTTONFUNCTION_, DROP),
	B(PHONEBUTTONFUNCTION_, HOLD),
	B(PHONEBUTTONFUNCTION_, RECALL),
	B(PHONEBUTTONFUNCTION_, DISCONNECT),
	B(PHONEBUTTONFUNCTION_, CONNECT),
	B(PHONEBUTTONFUNCTION_, MSGWAITON),
	B(PHONEBUTTONFUNCTION_, MSGWAITOFF),
	B(PHONEBUTTONFUNCTION_, SELECTRING),
	B(PHONEBUTTONFUNCTION_, ABBREVDIAL),
	B(PHONEBUTTONFUNCTION_, FORWARD),
	B(PHONEBUTTONFUNCTION_, PICKUP),
	B(PHONEBUTTONFUNCTION_, RINGAGAIN),
	B(PHONEBUTTONFUNCTION_, PARK),
	B(PHONEBUTTONFUNCTION_, REJECT),
	B(PHONEBUTTONFUNCTION_, REDIRECT),
	B(PHONEBUTTONFUNCTION_, MUTE),
	B(PHONEBUTTONFUNCTION_, VOLUMEUP),
	B(PHONEBUTTONFUNCTION_, VOLUMEDOWN),
	B(PHONEBUTTONFUNCTION_, SPEAKERON),
	B(PHONEBUTTONFUNCTION_, SPEAKEROFF),
	B(PHONEBUTTONFUNCTION_, FLASH),
	B(PHONEBUTTONFUNCTION_, DATAON),
	B(PHONEBUTTONFUNCTION_, DATAOFF),
	B(PHONEBUTTONFUNCTION_, DONOTDISTURB),
	B(PHONEBUTTONFUNCTION_, INTERCOM),
	B(PHONEBUTTONFUNCTION_, BRIDGEDAPP),
	B(PHONEBUTTONFUNCTION_, BUSY),
	B(PHONEBUTTONFUNCTION_, CALLAPP),
	B(PHONEBUTTONFUNCTION_, DATETIME),
	B(PHONEBUTTONFUNCTION_, DIRECTORY),
	B(PHONEBUTTONFUNCTION_, COVER),
	B(PHONEBUTTONFUNCTION_, CALLID),
	B(PHONEBUTTONFUNCTION_, LASTNUM),
	B(PHONEBUTTONFUNCTION_, NIGHTSRV),
	B(PHONEBUTTONFUNCTION_, SENDCALLS),
	B(PHONEBUTTONFUNCTION_, MSGINDICATOR),
	B(PHONEBUTTONFUNCTION_, REPDIAL),
	B(PHONEBUTTONFUNCTION_, SETREPDIAL),
	B(PHONEBUTTONFUNCTION_, SYSTEMSPEED),
	B(PHONEBUTTONFUNCTION_, STATIONSPEED),
	B(PHONEBUTTONFUNCTION_, CAMPON),
	B(PHONEBUTTONFUNCTION_, SAVEREPEAT),
	B(PHONEBUTTONFUNCTION_, QUEUECALL),
	B(PHONEBUTTONFUNCTION_, NONE),
#ifdef PHONEBUTTONFUNCTION_SEND
	B(PHONEBUTTONFUNCTION_, SEND),
#endif
	{ 0, NULL },
};

#undef B

/* Where the name tables above print without their prefix, these say which prefix to add back. */
#define PHONESTATE_PREFIX "PHONESTATE_"
#define PHONEFEATURE_PREFIX "PHONEFEATURE_"

const void *pc_var_part(const void *base, DWORD used, DWORD size, DWORD offset)
{
	if (size == 0 || offset == 0)
		return NULL;
	if (offset > used || size > used - offset)
		return NULL;
	return (const unsigned char *)base + offset;
}

/* The part of the structure that holds valid data: dwUsedSize, but never past dwTotalSize. */
static DWORD caps_used(const PHONECAPS *caps)
{
	return caps->dwUsedSize < caps->dwTotalSize ? caps->dwUsedSize : caps->dwTotalSize;
}

static bool dword_at(const PHONECAPS *caps, DWORD size, DWORD offset, DWORD index, DWORD *out)
{
	const unsigned char *p = pc_var_part(caps, caps_used(caps), size, offset);

	if (!p || index >= size / sizeof(DWORD))
		return false;
	memcpy(out, p + (size_t)index * sizeof(DWORD), sizeof(DWORD));
	return true;
}

bool pc_caps_area_size(const PHONECAPS *caps, bool get, DWORD id, DWORD *size)
{
	if (get)
		return id < caps->dwNumGetData &&
		       dword_at(caps, caps->dwGetDataSize, caps->dwGetDataOffset, id, size);
	return id < caps->dwNumSetData &&
	       dword_at(caps, caps->dwSetDataSize, caps->dwSetDataOffset, id, size);
}

void pc_print_bits(FILE *f, DWORD value, const struct pc_bit_name *names, const char *sep)
{
	bool first = true;

	for (const struct pc_bit_name *n = names; n->name; n++) {
		if (value & n->bit) {
			fprintf(f, "%s%s", first ? "" : sep, n->name);
			first = false;
			value &= ~n->bit;
		}
	}
	if (value) {
		fprintf(f, "%s0x%08X", first ? "" : sep, (unsigned)value);
		first = false;
	}
	if (first)
		fputs("none", f);
}

const char *pc_value_name(const struct pc_bit_name *names, DWORD value)
{
	for (const struct pc_bit_name *n = names; n->name; n++)
		if (n->bit == value)
			return n->name;
	return NULL;
}

void pc_say_positions(DWORD dev, DWORD n)
{
	if (n)
		fprintf(stderr, "phone %u has %u button/lamp positions (IDs 0-%u); phonectl buttons "
			"%u lists them\n", (unsigned)dev, (unsigned)n, (unsigned)n - 1, (unsigned)dev);
	else
		fprintf(stderr, "phone %u has no buttons or lamps\n", (unsigned)dev);
}

const char *pc_name_or_hex(const struct pc_bit_name *names, DWORD value, char *buf, size_t len)
{
	const char *n = pc_value_name(names, value);

	if (n)
		return n;
	snprintf(buf, len, "0x%08X", (unsigned)value);
	return buf;
}

bool pc_parse_name(const struct pc_bit_name *names, const char *prefix, const char *s,
		   DWORD *out)
{
	size_t plen = strlen(prefix);

	if (pc_parse_dword(s, out))
		return true;
	if (strncasecmp(s, prefix, plen) == 0)
		s += plen;
	for (const struct pc_bit_name *n = names; n->name; n++) {
		if (strcasecmp(n->name, s) == 0) {
			*out = n->bit;
			return true;
		}
	}
	return false;
}

/* ---- text output ---- */

#define LABEL_WIDTH 20
#define LINE_WIDTH 100

static void label(const char *text)
{
	printf("%-*s", LABEL_WIDTH, text);
}

/* Prints prefix+name for every set bit, wrapping lines under the value column. */
static void print_bits_wrapped(DWORD value, const struct pc_bit_name *names, const char *prefix)
{
	int col = LABEL_WIDTH;
	bool first = true;
	char unknown[16];

	for (const struct pc_bit_name *n = names;; n++) {
		const char *name;
		const char *pre = prefix;
		int len;

		if (n->name) {
			if (!(value & n->bit))
				continue;
			value &= ~n->bit;
			name = n->name;
		} else {
			if (!value)
				break;
			snprintf(unknown, sizeof unknown, "0x%08X", (unsigned)value);
			name = unknown;
			pre = "";
			value = 0;
		}
		len = (int)(strlen(pre) + strlen(name));
		if (!first && col + 1 + len > LINE_WIDTH) {
			printf("\n%*s", LABEL_WIDTH, "");
			col = LABEL_WIDTH;
		} else if (!first) {
			putchar(' ');
			col++;
		}
		printf("%s%s", pre, name);
		col += len;
		first = false;
		if (!n->name)
			break;
	}
	if (first)
		fputs("none", stdout);
	putchar('\n');
}

void pc_put_utf8(FILE *f, uint32_t cp)
{
	if (cp < 0x80) {
		putc(cp < 0x20 || cp == 0x7F ? '?' : (int)cp, f);
	} else if (cp < 0x800) {
		putc(0xC0 | (cp >> 6), f);
		putc(0x80 | (cp & 0x3F), f);
	} else if (cp < 0x10000) {
		putc(0xE0 | (cp >> 12), f);
		putc(0x80 | ((cp >> 6) & 0x3F), f);
		putc(0x80 | (cp & 0x3F), f);
	} else {
		putc(0xF0 | (cp >> 18), f);
		putc(0x80 | ((cp >> 12) & 0x3F), f);
		putc(0x80 | ((cp >> 6) & 0x3F), f);
		putc(0x80 | (cp & 0x3F), f);
	}
}

/* Writes a string of the variable part to f as UTF-8 text, in the device's string format
 * (control characters as '?', a BINARY string as hex bytes); false if there is none. */
static bool write_string(FILE *f, const PHONECAPS *caps, DWORD size, DWORD offset)
{
	const unsigned char *p = pc_var_part(caps, caps_used(caps), size, offset);

	if (!p)
		return false;
	switch (caps->dwStringFormat) {
	case STRINGFORMAT_UNICODE:
		for (DWORD i = 0; i + 1 < size; i += 2) {
			uint32_t u = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;
			if (u == 0)
				break;
			if (u >= 0xD800 && u < 0xDC00 && i + 3 < size) {
				uint32_t lo = (uint32_t)p[i + 2] | (uint32_t)p[i + 3] << 8;
				if (lo >= 0xDC00 && lo < 0xE000) {
					u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
					i += 2;
				}
			}
			pc_put_utf8(f, u);
		}
		break;
	case STRINGFORMAT_BINARY:
		for (DWORD i = 0; i < size; i++)
			fprintf(f, "%s%02x", i ? " " : "", p[i]);
		break;
	default: /* ASCII (UTF-8 on Linux) and DBCS: bytes up to the NUL */
		for (DWORD i = 0; i < size && p[i]; i++)
			putc(p[i] < 0x20 || p[i] == 0x7F ? '?' : p[i], f);
		break;
	}
	return true;
}

static bool print_string(const PHONECAPS *caps, DWORD size, DWORD offset)
{
	return write_string(stdout, caps, size, offset);
}

/* ,"key":"the string" for --json; nothing when the phone has no such string. */
char *pc_caps_text(const PHONECAPS *caps, DWORD size, DWORD offset)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	bool have = mem && write_string(mem, caps, size, offset);

	if (mem)
		fclose(mem);
	if (!have) {
		free(text);
		return NULL;
	}
	return text;
}

static void json_string_field(const char *key, const PHONECAPS *caps, DWORD size, DWORD offset)
{
	char *text = pc_caps_text(caps, size, offset);

	if (text) {
		printf(",\"%s\":", key);
		pc_json_string(stdout, text);
	}
	free(text);
}

static void print_string_field(const char *what, const PHONECAPS *caps, DWORD size, DWORD offset)
{
	label(what);
	if (!print_string(caps, size, offset))
		fputs("(none)", stdout);
	putchar('\n');
}

static const char *string_format_name(DWORD f)
{
	switch (f) {
	case STRINGFORMAT_ASCII: return "ASCII (UTF-8)";
	case STRINGFORMAT_DBCS: return "DBCS";
	case STRINGFORMAT_UNICODE: return "UNICODE (UTF-16)";
	case STRINGFORMAT_BINARY: return "BINARY";
	default: return NULL;
	}
}

static void human_size(char *buf, size_t len, DWORD n)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB" };
	double v = n;
	unsigned u = 0;

	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%u B", (unsigned)n);
	else if (v == (double)(unsigned)v)
		snprintf(buf, len, "%u %s", (unsigned)v, units[u]);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
}

static void print_version(DWORD v)
{
	printf("%u.%u", (unsigned)(v >> 16), (unsigned)(v & 0xFFFF));
}

static void print_hookswitch(const PHONECAPS *caps, DWORD version, DWORD dev, const char *name,
			     DWORD modes, DWORD settable, DWORD monitored)
{
	printf("  %-*s", LABEL_WIDTH - 2, name);
	fputs("modes ", stdout);
	pc_print_bits(stdout, modes, pc_hookswitch_mode_names, ",");
	if (version >= PC_API_20) {
		fputs("; settable ", stdout);
		pc_print_bits(stdout, settable, pc_hookswitch_mode_names, ",");
		fputs("; monitored ", stdout);
		pc_print_bits(stdout, monitored, pc_hookswitch_mode_names, ",");
	}
	printf("; volume %s, gain %s\n", caps->dwVolumeFlags & dev ? "yes" : "no",
	       caps->dwGainFlags & dev ? "yes" : "no");
}

static void print_buttons(const PHONECAPS *caps)
{
	DWORD counts[8] = { 0 };
	DWORD lamps = 0, other = 0, known = 0;

	label("Buttons/lamps:");
	printf("%u", (unsigned)caps->dwNumButtonLamps);
	for (DWORD id = 0; id < caps->dwNumButtonLamps; id++) {
		DWORD mode, lamp;
		if (dword_at(caps, caps->dwButtonModesSize, caps->dwButtonModesOffset, id, &mode)) {
			known++;
			unsigned i = 0;
			for (; pc_button_mode_names[i].name; i++)
				if (mode == pc_button_mode_names[i].bit)
					break;
			if (pc_button_mode_names[i].name)
				counts[i]++;
			else
				other++;
		}
		if (dword_at(caps, caps->dwLampModesSize, caps->dwLampModesOffset, id, &lamp) &&
		    lamp != 0 && lamp != PHONELAMPMODE_DUMMY)
			lamps++;
	}
	if (known) {
		const char *sep = " (";
		for (unsigned i = 0; pc_button_mode_names[i].name; i++) {
			if (counts[i]) {
				printf("%s%u %s", sep, (unsigned)counts[i], pc_button_mode_names[i].name);
				sep = ", ";
			}
		}
		if (other)
			printf("%s%u other", sep, (unsigned)other);
		printf("; %u with a lamp)", (unsigned)lamps);
	}
	putchar('\n');
}

static void print_data_areas(const PHONECAPS *caps)
{
	DWORD n = caps->dwNumSetData > caps->dwNumGetData ? caps->dwNumSetData : caps->dwNumGetData;

	label("Data areas:");
	printf("%u for phoneSetData, %u for phoneGetData\n", (unsigned)caps->dwNumSetData,
	       (unsigned)caps->dwNumGetData);
	for (DWORD id = 0; id < n; id++) {
		DWORD set = 0, get = 0;
		bool has_set = pc_caps_area_size(caps, false, id, &set);
		bool has_get = pc_caps_area_size(caps, true, id, &get);
		char human[32];
		char name[24];

		snprintf(name, sizeof name, "area %u", (unsigned)id);
		printf("  %-*s", LABEL_WIDTH - 2, name);
		if (has_set)
			printf("set %u bytes", (unsigned)set);
		else
			fputs(id < caps->dwNumSetData ? "set ? bytes" : "no set", stdout);
		fputs(", ", stdout);
		if (has_get)
			printf("get %u bytes", (unsigned)get);
		else
			fputs(id < caps->dwNumGetData ? "get ? bytes" : "no get", stdout);
		if (has_set || has_get) {
			human_size(human, sizeof human, has_set ? set : get);
			printf("  (%s", human);
			if (has_set && has_get && set != get) {
				human_size(human, sizeof human, get);
				printf(" / %s", human);
			}
			putchar(')');
		}
		putchar('\n');
	}
}

static void print_device_classes(const PHONECAPS *caps)
{
	const char *p = pc_var_part(caps, caps_used(caps), caps->dwDeviceClassesSize,
				    caps->dwDeviceClassesOffset);
	DWORD size = caps->dwDeviceClassesSize;
	bool first = true;

	label("Device classes:");
	if (p) {
		/* NUL-separated names, ended by an empty one. */
		for (DWORD i = 0; i < size && p[i];) {
			DWORD len = (DWORD)strnlen(p + i, size - i);
			printf("%s%.*s", first ? "" : ", ", (int)len, p + i);
			first = false;
			i += len + 1;
		}
	}
	if (first)
		fputs("(none)", stdout);
	putchar('\n');
}

static void print_guid(const PHONECAPS *caps)
{
	unsigned char g[16];
	static const unsigned char zero[16];
	uint32_t d1;
	uint16_t d2, d3;

	memcpy(g, (const unsigned char *)caps + offsetof(PHONECAPS, PermanentPhoneGuid), 16);
	if (memcmp(g, zero, 16) == 0)
		return;
	/* GUID { Data1 (DWORD), Data2, Data3 (WORD), Data4[8] } in host byte order. */
	memcpy(&d1, g, 4);
	memcpy(&d2, g + 4, 2);
	memcpy(&d3, g + 6, 2);
	label("Permanent GUID:");
	printf("{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}\n", (unsigned)d1, (unsigned)d2,
	       (unsigned)d3, g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

static void print_caps(DWORD dev, DWORD version, const PHONECAPS *caps)
{
	const char *fmt = string_format_name(caps->dwStringFormat);
	char buf[64];

	snprintf(buf, sizeof buf, "Phone %u:", (unsigned)dev);
	print_string_field(buf, caps, caps->dwPhoneNameSize, caps->dwPhoneNameOffset);
	label("API version:");
	print_version(version);
	putchar('\n');
	print_string_field("Provider info:", caps, caps->dwProviderInfoSize,
			   caps->dwProviderInfoOffset);
	print_string_field("Phone info:", caps, caps->dwPhoneInfoSize, caps->dwPhoneInfoOffset);
	label("Permanent ID:");
	printf("0x%08X (%u)\n", (unsigned)caps->dwPermanentPhoneID,
	       (unsigned)caps->dwPermanentPhoneID);
	if (version >= PC_API_22)
		print_guid(caps);
	label("String format:");
	if (fmt)
		printf("%s\n", fmt);
	else
		printf("0x%08X\n", (unsigned)caps->dwStringFormat);
	label("Phone states:");
	print_bits_wrapped(caps->dwPhoneStates, pc_phonestate_names, PHONESTATE_PREFIX);
	if (version >= PC_API_20) {
		label("Features:");
		print_bits_wrapped(caps->dwPhoneFeatures, feature_names, PHONEFEATURE_PREFIX);
	}
	label("Display:");
	if (caps->dwDisplayNumRows == 0 && caps->dwDisplayNumColumns == 0)
		fputs("none\n", stdout);
	else
		printf("%u rows x %u columns\n", (unsigned)caps->dwDisplayNumRows,
		       (unsigned)caps->dwDisplayNumColumns);
	label("Ring modes:");
	if (caps->dwNumRingModes)
		printf("%u (1..%u; 0 = silent)\n", (unsigned)caps->dwNumRingModes,
		       (unsigned)caps->dwNumRingModes);
	else
		fputs("0 (ring mode cannot be controlled)\n", stdout);
	print_buttons(caps);
	label("Hookswitch devices:");
	pc_print_bits(stdout, caps->dwHookSwitchDevs, pc_hookswitch_dev_names, " ");
	putchar('\n');
	if (caps->dwHookSwitchDevs & PHONEHOOKSWITCHDEV_HANDSET)
		print_hookswitch(caps, version, PHONEHOOKSWITCHDEV_HANDSET, "HANDSET",
				 caps->dwHandsetHookSwitchModes,
				 caps->dwSettableHandsetHookSwitchModes,
				 caps->dwMonitoredHandsetHookSwitchModes);
	if (caps->dwHookSwitchDevs & PHONEHOOKSWITCHDEV_SPEAKER)
		print_hookswitch(caps, version, PHONEHOOKSWITCHDEV_SPEAKER, "SPEAKER",
				 caps->dwSpeakerHookSwitchModes,
				 caps->dwSettableSpeakerHookSwitchModes,
				 caps->dwMonitoredSpeakerHookSwitchModes);
	if (caps->dwHookSwitchDevs & PHONEHOOKSWITCHDEV_HEADSET)
		print_hookswitch(caps, version, PHONEHOOKSWITCHDEV_HEADSET, "HEADSET",
				 caps->dwHeadsetHookSwitchModes,
				 caps->dwSettableHeadsetHookSwitchModes,
				 caps->dwMonitoredHeadsetHookSwitchModes);
	print_data_areas(caps);
	if (version >= PC_API_20)
		print_device_classes(caps);
	if (caps->dwDevSpecificSize) {
		label("Device specific:");
		printf("%u bytes\n", (unsigned)caps->dwDevSpecificSize);
	}
	if (caps->dwNeededSize > caps->dwUsedSize) {
		label("Note:");
		printf("%u of %u bytes returned; some variable parts are missing\n",
		       (unsigned)caps->dwUsedSize, (unsigned)caps->dwNeededSize);
	}
}

/* ---- JSON output ---- */

static void json_hookswitch(const PHONECAPS *caps, DWORD version, DWORD dev, const char *name,
			    DWORD modes, DWORD settable, DWORD monitored, const char **sep)
{
	if (!(caps->dwHookSwitchDevs & dev))
		return;
	printf("%s\"%s\":{\"modes\":", *sep, name);
	pc_json_bits(stdout, modes, pc_hookswitch_mode_names);
	if (version >= PC_API_20) {
		fputs(",\"settable\":", stdout);
		pc_json_bits(stdout, settable, pc_hookswitch_mode_names);
		fputs(",\"monitored\":", stdout);
		pc_json_bits(stdout, monitored, pc_hookswitch_mode_names);
	}
	printf(",\"volume\":%s,\"gain\":%s}", caps->dwVolumeFlags & dev ? "true" : "false",
	       caps->dwGainFlags & dev ? "true" : "false");
	*sep = ",";
}

static void json_buttons(const PHONECAPS *caps)
{
	fputs(",\"buttons\":[", stdout);
	for (DWORD id = 0; id < caps->dwNumButtonLamps; id++) {
		DWORD mode, function, lamp;
		char buf[16];

		printf("%s{\"id\":%u", id ? "," : "", (unsigned)id);
		if (dword_at(caps, caps->dwButtonModesSize, caps->dwButtonModesOffset, id, &mode))
			printf(",\"mode\":\"%s\"", pc_name_or_hex(pc_button_mode_names, mode, buf,
								  sizeof buf));
		if (dword_at(caps, caps->dwButtonFunctionsSize, caps->dwButtonFunctionsOffset, id,
			     &function))
			printf(",\"function\":\"%s\"",
			       pc_name_or_hex(pc_button_function_names, function, buf, sizeof buf));
		if (dword_at(caps, caps->dwLampModesSize, caps->dwLampModesOffset, id, &lamp)) {
			fputs(",\"lamp_modes\":", stdout);
			pc_json_bits(stdout, lamp, pc_lamp_mode_names);
		}
		putchar('}');
	}
	putchar(']');
}

static void json_data_areas(const PHONECAPS *caps)
{
	DWORD n = caps->dwNumSetData > caps->dwNumGetData ? caps->dwNumSetData : caps->dwNumGetData;

	fputs(",\"data_areas\":[", stdout);
	for (DWORD id = 0; id < n; id++) {
		DWORD size;

		printf("%s{\"id\":%u", id ? "," : "", (unsigned)id);
		if (pc_caps_area_size(caps, false, id, &size))
			printf(",\"set_size\":%u", (unsigned)size);
		if (pc_caps_area_size(caps, true, id, &size))
			printf(",\"get_size\":%u", (unsigned)size);
		putchar('}');
	}
	putchar(']');
}

static void json_device_classes(const PHONECAPS *caps)
{
	const char *p = pc_var_part(caps, caps_used(caps), caps->dwDeviceClassesSize,
				    caps->dwDeviceClassesOffset);
	DWORD size = caps->dwDeviceClassesSize;
	char name[256];

	fputs(",\"device_classes\":[", stdout);
	for (DWORD i = 0; p && i < size && p[i];) {
		DWORD len = (DWORD)strnlen(p + i, size - i);

		snprintf(name, sizeof name, "%.*s", (int)len, p + i);
		if (i)
			putchar(',');
		pc_json_string(stdout, name);
		i += len + 1;
	}
	putchar(']');
}

/* The same facts as print_caps, as one JSON object on one line; names are the constants'
 * names without their prefix, sizes in bytes. */
static void print_caps_json(DWORD dev, DWORD version, const PHONECAPS *caps)
{
	const char *sep = "";
	char buf[16];

	printf("{\"id\":%u", (unsigned)dev);
	json_string_field("name", caps, caps->dwPhoneNameSize, caps->dwPhoneNameOffset);
	printf(",\"api_version\":\"%u.%u\"", (unsigned)(version >> 16),
	       (unsigned)(version & 0xFFFF));
	json_string_field("provider_info", caps, caps->dwProviderInfoSize,
			  caps->dwProviderInfoOffset);
	json_string_field("phone_info", caps, caps->dwPhoneInfoSize, caps->dwPhoneInfoOffset);
	printf(",\"permanent_id\":%u,\"string_format\":\"%s\",\"phone_states\":",
	       (unsigned)caps->dwPermanentPhoneID,
	       pc_name_or_hex(string_format_names, caps->dwStringFormat, buf, sizeof buf));
	pc_json_bits(stdout, caps->dwPhoneStates, pc_phonestate_names);
	if (version >= PC_API_20) {
		fputs(",\"features\":", stdout);
		pc_json_bits(stdout, caps->dwPhoneFeatures, feature_names);
	}
	printf(",\"display\":{\"rows\":%u,\"columns\":%u},\"ring_modes\":%u",
	       (unsigned)caps->dwDisplayNumRows, (unsigned)caps->dwDisplayNumColumns,
	       (unsigned)caps->dwNumRingModes);
	json_buttons(caps);
	fputs(",\"hookswitch\":{", stdout);
	json_hookswitch(caps, version, PHONEHOOKSWITCHDEV_HANDSET, "HANDSET",
			caps->dwHandsetHookSwitchModes, caps->dwSettableHandsetHookSwitchModes,
			caps->dwMonitoredHandsetHookSwitchModes, &sep);
	json_hookswitch(caps, version, PHONEHOOKSWITCHDEV_SPEAKER, "SPEAKER",
			caps->dwSpeakerHookSwitchModes, caps->dwSettableSpeakerHookSwitchModes,
			caps->dwMonitoredSpeakerHookSwitchModes, &sep);
	json_hookswitch(caps, version, PHONEHOOKSWITCHDEV_HEADSET, "HEADSET",
			caps->dwHeadsetHookSwitchModes, caps->dwSettableHeadsetHookSwitchModes,
			caps->dwMonitoredHeadsetHookSwitchModes, &sep);
	putchar('}');
	json_data_areas(caps);
	if (version >= PC_API_20)
		json_device_classes(caps);
	printf(",\"dev_specific_size\":%u", (unsigned)caps->dwDevSpecificSize);
	if (caps->dwNeededSize > caps->dwUsedSize)
		printf(",\"truncated\":true");
	puts("}");
}

int pc_cmd_caps(const struct pc_options *opt, int argc, char **argv)
{
	struct pc_session s;
	PHONECAPS *caps = NULL;
	DWORD dev, version;
	int rc;

	(void)argc;
	if (!pc_parse_dword(argv[0], &dev))
		return pc_usage_error(pc_current_command, "bad device ID '%s'", argv[0]);
	rc = pc_session_init(&s, opt);
	if (rc != PC_EXIT_OK)
		return rc;
	if (pc_session_negotiate(&s, dev, &version, false) != 0 ||
	    pc_session_get_caps(&s, dev, version, &caps, false) != 0) {
		pc_session_end(&s);
		return PC_EXIT_TAPI;
	}
	if (opt->json)
		print_caps_json(dev, version, caps);
	else
		print_caps(dev, version, caps);
	free(caps);
	pc_session_end(&s);
	return PC_EXIT_OK;
}

/* One line of "list": ID, name and data areas; a removed phone says so (it is not an error:
 * its ID stays taken until every application restarts, as TAPI's do). 0 or the TAPI error. */
static LONG list_one(struct pc_session *s, DWORD dev, bool json)
{
	PHONECAPS *caps = NULL;
	const char *what = "phoneNegotiateAPIVersion";
	DWORD version;
	LONG err;

	err = pc_session_negotiate(s, dev, &version, true);
	if (err == 0) {
		what = "phoneGetDevCapsA";
		err = pc_session_get_caps(s, dev, version, &caps, true);
	}
	if (json) {
		printf("%s{\"id\":%u", dev ? "," : "", (unsigned)dev);
		if (err == (LONG)PHONEERR_NODEVICE)
			fputs(",\"removed\":true", stdout);
		else if (err)
			printf(",\"error\":\"%s\"", phonectl_error_name(err));
		else {
			json_string_field("name", caps, caps->dwPhoneNameSize, caps->dwPhoneNameOffset);
			printf(",\"set_areas\":%u,\"get_areas\":%u", (unsigned)caps->dwNumSetData,
			       (unsigned)caps->dwNumGetData);
		}
		putchar('}');
	} else if (err == (LONG)PHONEERR_NODEVICE) {
		printf("%u  (removed)\n", (unsigned)dev);
	} else if (err) {
		printf("%u  (%s: %s)\n", (unsigned)dev, what, phonectl_error_name(err));
	} else {
		printf("%u  ", (unsigned)dev);
		if (!print_string(caps, caps->dwPhoneNameSize, caps->dwPhoneNameOffset))
			fputs("(unnamed)", stdout);
		printf("  (set areas: %u, get areas: %u)\n", (unsigned)caps->dwNumSetData,
		       (unsigned)caps->dwNumGetData);
	}
	free(caps);
	return err == (LONG)PHONEERR_NODEVICE ? 0 : err;
}

int pc_cmd_list(const struct pc_options *opt, int argc, char **argv)
{
	struct pc_session s;
	int rc, result = PC_EXIT_OK;

	(void)argc;
	(void)argv;
	rc = pc_session_init(&s, opt);
	if (rc != PC_EXIT_OK)
		return rc;
	if (s.num_devs == 0 && !opt->json)
		pc_info(opt, "no phone devices\n");
	if (opt->json)
		putchar('[');
	for (DWORD dev = 0; dev < s.num_devs; dev++)
		if (list_one(&s, dev, opt->json) != 0)
			result = PC_EXIT_TAPI;
	if (opt->json)
		puts("]");
	pc_session_end(&s);
	return result;
}
