#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpus of tests/fuzz/fuzz_wire.c into tests/fuzz/corpus/wire/.

An encoder of its own, written from docs/protocol.md (not from wire.c), so the seeds also check
that the document and the code agree. Input format of the target: one byte for the side
(0 = server decoding requests, 1 = client decoding server messages), for the client side the
request opcode a REPLY answers (u16 LE), then frames back to back.

Run from anywhere:  python3 tests/fuzz/gen_wire_corpus.py
The files are committed; run it again only when the protocol changes (it rewrites the seeds it
knows and leaves other files, such as regression inputs found by the fuzzer, alone).
"""
import os
import struct

HELLO, APP_NEW, APP_FREE, NEGOTIATE_API, NEGOTIATE_EXT = 0x0001, 0x0100, 0x0101, 0x0102, 0x0103
GET_DEV_CAPS, OPEN = 0x0104, 0x0105
CLOSE, SET_DATA, GET_DATA, DEV_SPECIFIC, GET_STATUS = 0x0200, 0x0201, 0x0202, 0x0203, 0x0204
SET_STATUS_MESSAGES, GET_STATUS_MESSAGES = 0x0205, 0x0206
# protocol version 2
GET_ICON, CONFIG_DIALOG = 0x0106, 0x0107
SET_DISPLAY, GET_DISPLAY, SET_LAMP, GET_LAMP = 0x0300, 0x0301, 0x0302, 0x0303
SET_BUTTON_INFO, GET_BUTTON_INFO, SET_HOOKSWITCH, GET_HOOKSWITCH = 0x0304, 0x0305, 0x0306, 0x0307
SET_RING, GET_RING, SET_VOLUME, GET_VOLUME = 0x0308, 0x0309, 0x030A, 0x030B
SET_GAIN, GET_GAIN, GET_ID = 0x030C, 0x030D, 0x030E
REPLY, EVENT, GOODBYE = 0x8000, 0x8001, 0x8002
FLAG_FD = 1
MAGIC = 0x5041544F
PHONEERR_INCOMPATIBLEAPIVERSION = 0x90000003
PHONE_REPLY, PHONE_STATE = 17, 18


def frame(op, fixed, var=b"", seq=1, flags=0, size=None, reserved=0):
    body = b"".join(struct.pack("<Q", v) for v in fixed) + var
    if size is None:
        size = 16 + len(body)
    return struct.pack("<IHHII", size, op, flags, seq, reserved) + body


def server_side(*frames):
    return b"\x00" + b"".join(frames)


def client_side(reply_to, *frames):
    return b"\x01" + struct.pack("<H", reply_to) + b"".join(frames)


def text(s):
    return s.encode() + b"\0"


def seeds():
    caps = bytes(range(196))  # stands for a PHONECAPS of API 2.2 (196 bytes)
    data = bytes((i * 7 + 3) & 0xFF for i in range(300))
    ev = [0x00007F0000001000, 0x00100001, PHONE_STATE, 0xDEADBEEFCAFEF00D, 0x200, 1, 0, 0]
    # a PHONEBUTTONINFO (40 bytes, text "Hold") and a VARSTRING (24 bytes, a DWORD device ID)
    button = struct.pack("<10I", 45, 45, 45, 4, 4, 5, 40, 0, 0, 0) + text("Hold")
    varstring = struct.pack("<6I", 28, 28, 28, 4, 4, 24) + struct.pack("<I", 0)
    return {
        # requests, one per opcode
        "req-hello": server_side(frame(HELLO, [MAGIC, 1, 4242])),
        "req-app-new": server_side(frame(APP_NEW, [0x00020002, 0x00007F0012345678],
                                         text("phonectl"), seq=2)),
        "req-app-free": server_side(frame(APP_FREE, [0x00100001], seq=3)),
        "req-negotiate-api": server_side(frame(NEGOTIATE_API,
                                               [0x00100001, 0, 0x00010003, 0x00020002])),
        "req-negotiate-ext": server_side(frame(NEGOTIATE_EXT,
                                               [0x00100001, 0, 0x00020002, 0, 0x00010000])),
        "req-get-dev-caps": server_side(frame(GET_DEV_CAPS, [0x00100001, 0, 0x00020002, 0, 4096])),
        "req-open": server_side(frame(OPEN, [0x00100001, 0, 0x00020002, 0,
                                             0xFFFFFFFFFFFFFFFF, 2])),
        "req-close": server_side(frame(CLOSE, [0x00200001])),
        "req-set-data": server_side(frame(SET_DATA, [0x00200001, 1, len(data)], data)),
        "req-set-data-fd": server_side(frame(SET_DATA, [0x00200001, 3, 16 << 20],
                                             flags=FLAG_FD)),
        "req-get-data": server_side(frame(GET_DATA, [0x00200001, 2, 4096])),
        "req-get-data-fd": server_side(frame(GET_DATA, [0x00200001, 3, 16 << 20],
                                             flags=FLAG_FD)),
        "req-dev-specific": server_side(frame(DEV_SPECIFIC, [0x00200001, 10], b"press 3\0\0\0")),
        "req-get-status": server_side(frame(GET_STATUS, [0x00200001, 1024])),
        "req-set-status-messages": server_side(frame(SET_STATUS_MESSAGES,
                                                     [0x00200001, 0xFFFFFF, 0xF, 0x3F])),
        "req-get-status-messages": server_side(frame(GET_STATUS_MESSAGES, [0x00200001])),
        "req-get-icon": server_side(frame(GET_ICON, [0], text("tapi/phone"))),
        "req-get-icon-null": server_side(frame(GET_ICON, [3])),
        "req-config-dialog": server_side(frame(CONFIG_DIALOG, [0], text("wave/out"))),
        "req-set-display": server_side(frame(SET_DISPLAY, [0x00200001, 1, 0, 12],
                                             text("Hello, \u00e9t\u00e9"))),
        "req-set-display-none": server_side(frame(SET_DISPLAY, [0x00200001, 0, 0, 100000])),
        "req-get-display": server_side(frame(GET_DISPLAY, [0x00200001, 256])),
        "req-set-lamp": server_side(frame(SET_LAMP, [0x00200001, 12, 0x08])),
        "req-get-lamp": server_side(frame(GET_LAMP, [0x00200001, 12])),
        "req-set-button-info": server_side(frame(SET_BUTTON_INFO, [0x00200001, 12], button)),
        "req-get-button-info": server_side(frame(GET_BUTTON_INFO, [0x00200001, 12, 128])),
        "req-set-hookswitch": server_side(frame(SET_HOOKSWITCH, [0x00200001, 3, 0x08])),
        "req-get-hookswitch": server_side(frame(GET_HOOKSWITCH, [0x00200001])),
        "req-set-ring": server_side(frame(SET_RING, [0x00200001, 4, 0xFFFF])),
        "req-get-ring": server_side(frame(GET_RING, [0x00200001])),
        "req-set-volume": server_side(frame(SET_VOLUME, [0x00200001, 1, 0x8000])),
        "req-get-volume": server_side(frame(GET_VOLUME, [0x00200001, 2])),
        "req-set-gain": server_side(frame(SET_GAIN, [0x00200001, 4, 0x10000])),
        "req-get-gain": server_side(frame(GET_GAIN, [0x00200001, 4])),
        "req-get-id": server_side(frame(GET_ID, [0x00200001, 64], text("tapi/phone"))),
        # a whole session, as tapisrv reads it
        "req-session": server_side(
            frame(HELLO, [MAGIC, 1, 1], seq=1),
            frame(APP_NEW, [0x00020002, 1], text("demo"), seq=2),
            frame(OPEN, [0x00100001, 0, 0x00020002, 0, 7, 2], seq=3),
            frame(SET_DATA, [0x00200001, 0, 5], b"hello", seq=4),
            frame(GET_DATA, [0x00200001, 0, 5], seq=5),
            frame(CLOSE, [0x00200001], seq=6),
            frame(APP_FREE, [0x00100001], seq=7)),
        # replies, events, goodbye
        "rep-hello": client_side(HELLO, frame(REPLY, [0, 1, 0x000100], text(""))),
        "rep-hello-mismatch": client_side(HELLO, frame(
            REPLY, [PHONEERR_INCOMPATIBLEAPIVERSION, 1, 0x000100],
            text("protocol version 2 not supported (server speaks 1)"))),
        "rep-app-new": client_side(APP_NEW, frame(REPLY, [0, 0x00100001, 1])),
        "rep-negotiate-api": client_side(NEGOTIATE_API, frame(
            REPLY, [0, 0x00020002, 0, 0, 0, 0])),
        "rep-negotiate-ext": client_side(NEGOTIATE_EXT, frame(REPLY, [0x9000001D, 0])),
        "rep-get-dev-caps": client_side(GET_DEV_CAPS, frame(REPLY, [0], caps)),
        "rep-open": client_side(OPEN, frame(REPLY, [0, 0x00200001])),
        "rep-set-data": client_side(SET_DATA, frame(REPLY, [1])),
        "rep-get-data": client_side(GET_DATA, frame(REPLY, [0, len(data)], data)),
        "rep-get-data-memfd": client_side(GET_DATA, frame(REPLY, [0, 1 << 20])),
        "rep-get-status": client_side(GET_STATUS, frame(REPLY, [0], caps[:104])),
        "rep-get-status-messages": client_side(GET_STATUS_MESSAGES, frame(
            REPLY, [0, 0x200, 0, 0])),
        "rep-get-icon": client_side(GET_ICON, frame(REPLY, [0], text("phone"))),
        "rep-config-dialog": client_side(CONFIG_DIALOG, frame(REPLY, [0x9000001D])),
        "rep-set-display": client_side(SET_DISPLAY, frame(REPLY, [3])),
        "rep-get-display": client_side(GET_DISPLAY, frame(REPLY, [0], varstring)),
        "rep-get-lamp": client_side(GET_LAMP, frame(REPLY, [0, 0x04])),
        "rep-get-button-info": client_side(GET_BUTTON_INFO, frame(REPLY, [0], button)),
        "rep-get-hookswitch": client_side(GET_HOOKSWITCH, frame(REPLY, [0, 3])),
        "rep-get-ring": client_side(GET_RING, frame(REPLY, [0, 4, 0xFFFF])),
        "rep-get-volume": client_side(GET_VOLUME, frame(REPLY, [0, 0x8000])),
        "rep-get-gain": client_side(GET_GAIN, frame(REPLY, [0x9000000F, 0])),
        "rep-get-id": client_side(GET_ID, frame(REPLY, [0], varstring)),
        "ev-event": client_side(0, frame(EVENT, ev, seq=0)),
        "ev-goodbye": client_side(0, frame(GOODBYE, [1], text("server shutting down"), seq=0)),
        "ev-mixed": client_side(SET_DATA,
                                frame(EVENT, [1, 0, PHONE_REPLY, 7, 1, 0, 0, 0], seq=0),
                                frame(REPLY, [1], seq=9),
                                frame(EVENT, [1, 0, PHONE_REPLY, 7, 1, 0, 0, 1], seq=0),
                                frame(GOODBYE, [3], text("too many queued events"), seq=0)),
        # malformed: each breaks one rule
        "bad-size-short": server_side(frame(CLOSE, [1], size=15)),
        "bad-size-big": server_side(frame(SET_DATA, [1, 0, 0], size=16 + 256 * 1024 + 1)),
        "bad-reserved": server_side(frame(CLOSE, [1], reserved=1)),
        "bad-flags": server_side(frame(CLOSE, [1], flags=2)),
        "bad-opcode": server_side(frame(0x030F, [1])),
        "bad-direction": server_side(frame(EVENT, ev, seq=0)),
        "bad-seq": server_side(frame(CLOSE, [1], seq=0)),
        "bad-fixed": server_side(frame(OPEN, [1, 2, 3, 4, 5])),
        "bad-dword": server_side(frame(CLOSE, [1 << 32])),
        "bad-varlen": server_side(frame(CLOSE, [1], b"x")),
        "bad-fd": server_side(frame(DEV_SPECIFIC, [1, 0], flags=FLAG_FD)),
        "bad-fd-reply": client_side(GET_DATA, frame(REPLY, [0, 1 << 20], flags=FLAG_FD)),
        "bad-fd-var": server_side(frame(SET_DATA, [1, 0, 1], b"x", flags=FLAG_FD)),
        "bad-length": server_side(frame(SET_DATA, [1, 0, 4], b"abc")),
        "bad-text": server_side(frame(APP_NEW, [0x00020002, 1], b"no nul")),
        "bad-reply-to": client_side(EVENT, frame(REPLY, [0])),
        "bad-truncated": server_side(frame(OPEN, [1, 0, 0x00020002, 0, 7, 2])[:40]),
    }


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "wire")
    os.makedirs(out, exist_ok=True)
    for name, blob in sorted(seeds().items()):
        with open(os.path.join(out, name), "wb") as fp:
            fp.write(blob)
    print(f"{len(seeds())} seeds in {out}")


if __name__ == "__main__":
    main()
