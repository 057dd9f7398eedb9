"""On-disk object store behind the fake Cloud Storage: one file per object generation under
--data-dir, metadata in memory, CRC32C (Castagnoli, for x-goog-hash / crc32c) and MD5."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import threading
import time

CRC_LIMIT = 16 << 20  # pure-Python CRC32C (~6 MB/s): larger objects carry md5Hash only

_POLY = 0x82F63B78
_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ _POLY if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c_update(crc: int, data: bytes) -> int:
    crc ^= 0xFFFFFFFF
    t = _TABLE
    for b in data:
        crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def file_hashes(path: str, size: int) -> tuple[str, str | None]:
    md5, crc = hashlib.md5(), 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            md5.update(chunk)
            if size <= CRC_LIMIT:
                crc = crc32c_update(crc, chunk)
    md5_b64 = base64.b64encode(md5.digest()).decode()
    crc_b64 = base64.b64encode(crc.to_bytes(4, "big")).decode() if size <= CRC_LIMIT else None
    return md5_b64, crc_b64


def rfc3339_ms(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".%03dZ" % int(ts % 1 * 1000)


class ObjectStore:
    def __init__(self, data_dir: str):
        self.dir = os.path.join(data_dir, "objects")
        self.tmp = os.path.join(data_dir, "tmp")
        os.makedirs(self.dir, exist_ok=True)
        os.makedirs(self.tmp, exist_ok=True)
        self.lock = threading.Lock()
        self.objects: dict[tuple[str, str], dict] = {}
        self.sessions: dict[str, dict] = {}

    def temp_path(self) -> str:
        return os.path.join(self.tmp, secrets.token_hex(12))

    def get(self, bucket: str, name: str) -> dict | None:
        with self.lock:
            return self.objects.get((bucket, name))

    def names(self, bucket: str) -> list[str]:
        with self.lock:
            return sorted(n for b, n in self.objects if b == bucket)

    def commit(self, bucket: str, name: str, tmp_path: str, content_type: str,
               if_generation_match: str | None = None) -> dict | str:
        """Moves ``tmp_path`` in as the object's new generation; returns the record, or
        "precondition" when ifGenerationMatch fails (the temp file is then removed)."""
        size = os.path.getsize(tmp_path)
        md5, crc = file_hashes(tmp_path, size)
        now = time.time()
        gen = str(time.time_ns() // 1000)
        final = os.path.join(self.dir, hashlib.sha256(f"{bucket}\0{name}".encode()).hexdigest()
                             + "." + gen)
        with self.lock:
            old = self.objects.get((bucket, name))
            if if_generation_match is not None and \
                    if_generation_match != (old["generation"] if old else "0"):
                os.remove(tmp_path)
                return "precondition"
            os.replace(tmp_path, final)
            rec = {"bucket": bucket, "name": name, "path": final, "size": size, "md5": md5,
                   "crc32c": crc, "generation": gen, "contentType": content_type,
                   "created": now, "updated": now}
            self.objects[(bucket, name)] = rec
        if old:
            try:
                os.remove(old["path"])  # an open reader keeps its inode
            except OSError:
                pass
        return rec

    def put_bytes(self, bucket: str, name: str, data: bytes, content_type: str) -> dict:
        p = self.temp_path()
        with open(p, "wb") as f:
            f.write(data)
        return self.commit(bucket, name, p, content_type)

    def delete(self, bucket: str, name: str) -> bool:
        with self.lock:
            rec = self.objects.pop((bucket, name), None)
        if rec:
            try:
                os.remove(rec["path"])
            except OSError:
                pass
        return rec is not None

    # resumable upload sessions
    def new_session(self, info: dict) -> str:
        sid = "ADPyc" + secrets.token_urlsafe(40)
        info.update(persisted=0, path=self.temp_path(), done=None, created=time.time())
        open(info["path"], "wb").close()
        with self.lock:
            self.sessions[sid] = info
        return sid

    def session(self, sid: str) -> dict | None:
        with self.lock:
            return self.sessions.get(sid)

    def drop_session(self, sid: str) -> None:
        with self.lock:
            s = self.sessions.pop(sid, None)
        if s and os.path.exists(s["path"]):
            os.remove(s["path"])
