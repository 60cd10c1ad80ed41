#!/usr/bin/env python3
"""Records raw server bytes for the wire unit tests (test/data/wire/*.hex).

Usage: capture.py HOST PORT USER PASSWORD OUTDIR
Talks to a real server with a minimal independent client (Python's hashlib for
mysql_native_password) and writes what the server sent, frames included, as hex:
  handshake.hex            the initial HandshakeV10 frame
  err_access_denied.hex    the ERR frame for a wrong password
  auth_switch_ed25519.hex  the auth switch frame sent for an ed25519 account (user 'ed')
  query_eof.hex            the reply to SELECT_SQL without CLIENT_DEPRECATE_EOF
  query_deprecate_eof.hex  the same with CLIENT_DEPRECATE_EOF
  query_ok.hex             the reply to DO 1 (an OK packet)
  query_err.hex            the reply to SELECT nosuch (an ERR packet)
"""
import hashlib, socket, struct, sys

SELECT_SQL = b"SELECT 1 AS a, NULL AS b, 'xyz' AS c UNION ALL SELECT 2, 'n', NULL"

def read_frame(s):
    hdr = b""
    while len(hdr) < 4:
        hdr += s.recv(4 - len(hdr))
    n = hdr[0] | hdr[1] << 8 | hdr[2] << 16
    body = b""
    while len(body) < n:
        body += s.recv(n - len(body))
    return hdr + body

def frame(seq, payload):
    return struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload

def native(pw, scramble):
    if not pw:
        return b""
    s1 = hashlib.sha1(pw).digest()
    s2 = hashlib.sha1(s1).digest()
    m = hashlib.sha1(scramble + s2).digest()
    return bytes(a ^ b for a, b in zip(s1, m))

def login(host, port, user, pw, caps_extra):
    s = socket.create_connection((host, port))
    hs = read_frame(s)
    p = hs[4:]
    i = p.index(b"\0", 1) + 1
    part1 = p[i + 4:i + 12]
    j = i + 12 + 1 + 2 + 1 + 2 + 2 + 1 + 10
    part2 = p[j:j + 12]
    caps = 0x200 | 0x8000 | 0x80000 | 0x200000 | 0x4 | 0x2000 | 0x1 | caps_extra
    auth = native(pw, part1 + part2)
    body = struct.pack("<IIB", caps, 1 << 24, 45) + b"\0" * 23 + user + b"\0"
    body += bytes([len(auth)]) + auth + b"mysql_native_password\0"
    s.sendall(frame(1, body))
    return s, hs, read_frame(s)

def query(s, sql):
    s.sendall(frame(0, b"\x03" + sql))
    out = b""
    eofs = 0
    while True:
        f = read_frame(s)
        out += f
        h = f[4]
        if h == 0xff or (h == 0x00 and len(out) == len(f)):
            return out
        if h == 0xfe and len(f) - 4 < 0xffffff:
            eofs += 1
            if eofs == 2 or deprecate:
                return out

if __name__ == "__main__":
    host, port, user, pw, outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode(), sys.argv[4].encode(), sys.argv[5]
    def save(name, data):
        open(f"{outdir}/{name}", "w").write(data.hex() + "\n")
    deprecate = False
    s, hs, ok = login(host, port, user, pw, 0)
    assert ok[4] == 0, ok
    save("handshake.hex", hs)
    save("query_eof.hex", query(s, SELECT_SQL))
    save("query_ok.hex", query(s, b"DO 1"))
    save("query_err.hex", query(s, b"SELECT nosuch"))
    s.close()
    deprecate = True
    s, hs, ok = login(host, port, user, pw, 0x1000000)
    save("query_deprecate_eof.hex", query(s, SELECT_SQL))
    s.close()
    s, hs, err = login(host, port, user, b"wrong password", 0)
    save("err_access_denied.hex", err)
    s.close()
    s, hs, sw = login(host, port, b"ed", b"whatever", 0)
    save("auth_switch_ed25519.hex", sw)
    s.close()
