#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpora of the fuzz targets fuzz_config, fuzz_sim_command, fuzz_sim_store,
fuzz_sim_state and fuzz_varstruct into tests/fuzz/corpus/<target>/ (the wire target has
gen_wire_corpus.py).

The formats are those described at the top of each target's source. The wal records and the state
file are encoded here from docs/providers/sim.md and providers/sim/store.h, with a CRC-32C of our
own. Regression inputs (files named
crash-*, regress-*) are kept; everything else named seed-* is rewritten.

    tests/fuzz/gen_corpus.py [CORPUS_DIR]
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def write(corpus, target, name, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data)


# ---- config -------------------------------------------------------------------------------------

CONFIGS = {
    'empty': '',
    'full-example': '''; OpenTAPI configuration
[server]
socket = /run/opentapi/tapisrv.sock
state_dir = /var/lib/opentapi

[limits]
requests_per_app = 4096
events_per_client = 65536

[phone "Front desk"]          ; device 0
provider = sim
data_areas = 256, 4096, 65536, 16777216
durable = yes

[phone "Back office"]
provider = sim
data_areas = 64
durable = no
owners = root, 0, @root, @0
''',
    'provider-section': '[provider "ipphone"]\nparallel = 4\n[phone "X"]\nprovider = ipphone\n',
    'crlf-bom': '\ufeff[phone "A"]\r\nprovider = sim\r\ndurable: true\r\n',
    'comments': '# a\n; b\n[phone "A;]"] # c\n  provider = sim ; d\nx = a;b\n',
    'utf8-name': '[phone "T\u00e9l\u00e9phone \u2603"]\nprovider = sim\n',
    'long-line': '[phone "A"]\nprovider = sim\ndata_areas = ' + ', '.join(['1'] * 64) + '\n',
    'long-name': '[phone "' + 'n' * 255 + '"]\nprovider = sim\n',
    'bad-name-long': '[phone "' + 'n' * 256 + '"]\nprovider = sim\n',
    'bad-unknown-key': '[server]\nsockets = /x\n',
    'bad-unknown-section': '[phones "A"]\nprovider = sim\n',
    'bad-quote': '[phone "A]\nprovider = sim\n',
    'bad-text-after': '[phone "A"] x\nprovider = sim\n',
    'bad-duplicate-phone': '[phone "A"]\nprovider = sim\n[phone "A"]\nprovider = sim\n',
    'bad-duplicate-key': '[phone "A"]\nprovider = sim\nprovider = sim\n',
    'bad-no-provider': '[phone "A"]\ndurable = yes\n',
    'bad-provider-name': '[phone "A"]\nprovider = Sim!\n',
    'bad-range': '[limits]\nrequests_per_app = 0\nevents_per_client = 100000001\n',
    'bad-number': '[limits]\nrequests_per_app = +5\n',
    'bad-relative': '[server]\nsocket = tapisrv.sock\nstate_dir = state\n',
    'bad-socket-long': '[server]\nsocket = /' + 's' * 107 + '\n',
    'bad-nul': '[phone "A"]\nprovider = s\0im\n',
    'bad-control': '[phone "A\x01"]\nprovider = sim\n',
    'bad-utf8': b'[phone "A\xc3\x28"]\nprovider = sim\n'.decode('latin-1'),
    'bad-syntax': '[phone "A"]\nprovider\n',
    'bad-key-outside': 'provider = sim\n',
    'bad-empty-name': '[phone ""]\nprovider = sim\n',
    'bad-repeated-server': '[server]\n[server]\n',
    'limits-request-timeout': '[limits]\nrequest_timeout_ms = 1000\n',
}


def gen_config(corpus):
    for name, text in CONFIGS.items():
        data = text.encode('latin-1') if name == 'bad-utf8' else text.encode()
        write(corpus, 'config', name, data)


# ---- sim commands -----------------------------------------------------------------------------

COMMANDS = [
    'suspend', 'resume', 'disconnect', 'connect', 'hold-replies', 'release-replies', 'remove',
    'press 5', 'release 4294967295', 'press 4294967296', 'press 00000000001', 'press -1',
    'press', 'press 1 2', 'hook handset onhook', 'hook speaker micspeaker', 'hook headset mic',
    'hook handset', 'hook phone mic', 'Suspend', '  suspend \r\n', 'suspend\0garbage',
    'hook\thandset\tspeaker', 'press\r5', 'a b c d e', '', '\0', ' \t ', 'press *', 'release #',
    'press **',
]


def gen_commands(corpus):
    for i, text in enumerate(COMMANDS):
        write(corpus, 'sim_command', '%02d' % i, text.encode())


# ---- sim store ----------------------------------------------------------------------------------

WAL_MAGIC, REC_MAGIC = 0x4C415754, 0x43455254


def wal(base, records, version=1):
    head = struct.pack('<IIQI', WAL_MAGIC, version, base, 0)
    out = head + struct.pack('<I', crc32c(head))
    for i, (area, payload) in enumerate(records):
        h = struct.pack('<IIIQ', REC_MAGIC, len(payload), area, (base + i) & 0xFFFFFFFFFFFFFFFF)
        out += h + struct.pack('<I', crc32c(h + payload, 0)) + payload
    return out


def store_input(flags, config, wal_bytes, disk=None):
    config = (list(config) + [1, 1, 1, 1])[:4]
    out = bytes([flags]) + struct.pack('<4H', *config)
    if flags & 2:
        out += struct.pack('<4H', *((list(disk or []) + [0, 0, 0, 0])[:4]))
    return out + wal_bytes


def gen_store(corpus):
    n4 = 3 << 2  # four areas
    recs = [(0, b'hello'), (1, b'x' * 100), (0, b'HE'), (3, bytes(range(256)) * 2)]
    good = wal(0x1122334455667788, recs)
    seeds = {
        'empty-wal': store_input(n4, [16, 128, 8, 600], b''),
        'header-only': store_input(n4, [16, 128, 8, 600], wal(7, [])),
        'records': store_input(n4, [16, 128, 8, 600], good),
        'torn-tail': store_input(n4, [16, 128, 8, 600], good[:-100]),
        'torn-header': store_input(n4, [16, 128, 8, 600], good[:30]),
        'bad-crc': store_input(n4, [16, 128, 8, 600], good[:40] + b'\xff' + good[41:]),
        'bad-seq': store_input(n4, [16, 128, 8, 600],
                               wal(5, [(0, b'a')]) + wal(9, [(1, b'b')])[24:]),
        'too-big-for-area': store_input(n4, [4, 128, 8, 600], good),
        'unknown-area': store_input(0, [16], wal(1, [(2, b'gone'), (0, b'kept')])),
        'seq-wrap': store_input(n4, [16, 128, 8, 600],
                                wal(0xFFFFFFFFFFFFFFFF, [(0, b'a'), (1, b'b'), (2, b'c')])),
        'bad-version': store_input(n4, [16, 128, 8, 600], wal(3, [(0, b'v')], version=2)),
        'files-resize': store_input(n4 | 2, [16, 128, 8, 600], good, disk=[32, 64, 0, 600]),
        'files-shrunk-area': store_input(4 | 2, [100, 8], wal(1, [(1, b'0123456789' * 5)]),
                                         disk=[10, 50, 20, 30]),
        'fixup': store_input(n4 | 1, [16, 128, 8, 600],
                             bytes(24) + struct.pack('<IIIQI', 0, 3, 1, 0, 0) + b'abc'
                             + struct.pack('<IIIQI', 0, 2, 0, 0, 0) + b'zz'),
        'zero-length-record': store_input(n4, [16, 128, 8, 600], wal(11, [(0, b''), (1, b'q')])),
    }
    for name, data in seeds.items():
        write(corpus, 'sim_store', name, data)


# ---- sim state file -------------------------------------------------------------------------------

STATE_MAGIC = 0x41545354


def state_payload(rows, cols, buttons, ring=(1, 0x8000), hooks=((1, 0x8000, 0x8000),) * 3,
                  text='', version=1):
    cells = [ord(c) for c in text[:rows * cols]] + [0x20] * (rows * cols - len(text[:rows * cols]))
    out = struct.pack('<III', version, rows, cols) + struct.pack('<%dI' % len(cells), *cells)
    out += struct.pack('<II', *ring)
    for h in hooks:
        out += struct.pack('<III', *h)
    out += struct.pack('<III', 0, 0, len(buttons))  # the layout hash: fixed up by flag 0x40
    for mode, function, lamp, label in buttons:
        t = label.encode()
        out += struct.pack('<IIII', mode, function, lamp, len(t)) + t
    return out


def state_file(payload):
    head = struct.pack('<III', STATE_MAGIC, 1, len(payload))
    return head + struct.pack('<I', crc32c(head + payload)) + payload


def gen_state(corpus):
    KEYPAD, CALL, FEATURE, LOCAL, DUMMY = 8, 2, 4, 0x10, 1
    NONE, CALLAPP, HOLD, TRANSFER, CONF, DROP = 0x2E, 0x1E, 4, 2, 1, 3
    MUTE, VUP, VDOWN, MSG = 0x12, 0x13, 0x14, 0x26
    LAMP_DUMMY, OFF, STEADY, FLASH = 1, 2, 4, 0x10
    keypad = [(KEYPAD, NONE, LAMP_DUMMY, c) for c in '0123456789*#']
    default = keypad + [(CALL, CALLAPP, OFF, 'Line 1'), (CALL, CALLAPP, STEADY, 'Line 2'),
                        (FEATURE, HOLD, OFF, 'Hold'), (FEATURE, TRANSFER, OFF, 'Transfer'),
                        (FEATURE, CONF, OFF, 'Conference'), (FEATURE, DROP, OFF, 'Drop'),
                        (LOCAL, MUTE, FLASH, 'Mute'), (LOCAL, VUP, OFF, 'Vol+'),
                        (LOCAL, VDOWN, OFF, 'Vol-'), (DUMMY, MSG, FLASH, 'Message')]
    small = keypad + [(CALL, CALLAPP, STEADY, 'Line 1'), (FEATURE, HOLD, OFF, 'Hold'),
                      (DUMMY, MSG, FLASH, 'Msg')]
    p0 = state_payload(2, 40, default, text='Hello, world')
    p1 = state_payload(4, 20, small, ring=(2, 0xFFFF), hooks=((2, 1, 2), (4, 3, 4), (1, 5, 6)))
    p2 = state_payload(0, 0, [], ring=(0, 0x8000))
    seeds = {
        'default': bytes([0x40]) + p0,
        'default-hash-wrong': bytes([0x00]) + p0,
        'default-file': bytes([0x80]) + state_file(p0),
        'default-file-fixup': bytes([0xE0]) + bytes(16) + p0,
        'default-file-bad-crc': bytes([0xC0]) + state_file(p0)[:12] + b'\0\0\0\0' + p0,
        'small': bytes([0x41]) + p1,
        'small-for-default': bytes([0x40]) + p1,
        'bare': bytes([0x42]) + p2,
        'bare-file': bytes([0xE2]) + bytes(16) + p2,
        'big-display': bytes([0x43]) + state_payload(32, 256, [], text='x' * 300),
        'bad-version': bytes([0x40]) + state_payload(2, 40, default, version=2),
        'truncated': bytes([0x40]) + p0[:-5],
        'trailing': bytes([0x40]) + p0 + b'!',
        'bad-values': bytes([0x40]) + state_payload(2, 40, default, ring=(9, 0x10000),
                                                    hooks=((3, 0, 0), (0, 1, 1), (0x10, 2, 2))),
        'bad-text': bytes([0x40]) + state_payload(2, 40, keypad[:11] + [(KEYPAD, NONE, 1, '\x01\u00e9')]
                                                  + default[12:]),
        'empty-file': bytes([0x80]),
    }
    for name, data in seeds.items():
        write(corpus, 'sim_state', name, data)


# ---- varstruct ----------------------------------------------------------------------------------

def vs_input(kind, total, ops, fixed=None):
    out = bytes([kind]) + struct.pack('<H', total)
    if kind == 4:
        out += struct.pack('<H', fixed)
    for field, payload in ops:
        out += bytes([field]) + struct.pack('<H', len(payload)) + payload
    return out


def gen_varstruct(corpus):
    seeds = {
        'caps-fits': vs_input(0, 2048, [(2, b'Phone\0'), (0, b'Provider\0'), (6, b'\0\1\0\0' * 4)]),
        'caps-too-small': vs_input(0, 100, [(2, b'Phone\0')]),
        'caps-exact': vs_input(0, 0xFFFF, [(i, b'x' * 40) for i in range(10)]),
        'caps-overflow': vs_input(0, 400, [(2, b'y' * 300), (1, b'z' * 10)]),
        'status': vs_input(1, 300, [(0, b'display'), (2, b'owner\0'), (3, b'')]),
        'button': vs_input(2, 64, [(0, b'text\0'), (1, b'dev' * 20)]),
        'varstring': vs_input(3, 30, [(0, b'abc\0'), (0, b'longer than fits\0')]),
        'arbitrary': vs_input(4, 200, [(0, b'a' * 10), (3, b'b' * 200), (5, b'c')], fixed=64),
        'tiny-total': vs_input(1, 0, [(0, b'x')]),
        'truncated-op': vs_input(0, 2048, [(2, b'')]) + b'\x02\xff',
    }
    for name, data in seeds.items():
        write(corpus, 'varstruct', name, data)


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'corpus')
    gen_config(corpus)
    gen_commands(corpus)
    gen_store(corpus)
    gen_state(corpus)
    gen_varstruct(corpus)


if __name__ == '__main__':
    main()
