"""Cloud Storage JSON API: buckets list/get, objects list/get/media (Range)/delete, uploads
(uploadType=media, multipart, resumable with Google's 308 protocol)."""

from __future__ import annotations

import base64
import json
import re
import urllib.parse

from .auth import bearer, require_storage_permission
from .httpkit import HttpError
from .objects import rfc3339_ms

CHUNK_UNIT = 256 * 1024
CREATED = 1704067200.0  # 2024-01-01T00:00:00Z, every bucket's creation time


def storage_error(code: int, message: str, reason: str) -> HttpError:
    return HttpError(code, {"error": {"code": code, "message": message, "errors": [
        {"message": message, "domain": "global", "reason": reason}]}}, reason=message)


def _bucket_resource(req, name: str, spec: dict) -> dict:
    return {"kind": "storage#bucket", "selfLink": f"{req.server.base_url}/storage/v1/b/{name}",
            "id": name, "name": name,
            "projectNumber": req.state.project_number(spec["project"]) or "0",
            "metageneration": "1", "location": spec.get("location", "US"),
            "storageClass": "STANDARD", "etag": "CAE=", "locationType": "multi-region",
            "timeCreated": rfc3339_ms(CREATED), "updated": rfc3339_ms(CREATED),
            "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": True},
                                 "publicAccessPrevention": "enforced"}}


def object_resource(req, rec: dict) -> dict:
    b, n, g = rec["bucket"], rec["name"], rec["generation"]
    q = urllib.parse.quote(n, safe="")
    base = req.server.base_url
    r = {"kind": "storage#object", "id": f"{b}/{n}/{g}",
         "selfLink": f"{base}/storage/v1/b/{b}/o/{q}",
         "mediaLink": f"{base}/download/storage/v1/b/{b}/o/{q}?generation={g}&alt=media",
         "name": n, "bucket": b, "generation": g, "metageneration": "1",
         "contentType": rec["contentType"], "storageClass": "STANDARD",
         "size": str(rec["size"]), "md5Hash": rec["md5"],
         "etag": base64.b64encode(g.encode()).decode().rstrip("="),
         "timeCreated": rfc3339_ms(rec["created"]), "updated": rfc3339_ms(rec["updated"]),
         "timeStorageClassUpdated": rfc3339_ms(rec["created"])}
    if rec["crc32c"]:
        r["crc32c"] = rec["crc32c"]
    return r


def _need_bucket(req, bucket: str) -> dict:
    spec = req.state.bucket(bucket)
    if spec is None:
        raise storage_error(404, "The specified bucket does not exist.", "notFound")
    return spec


def _max_results(req, default: int = 1000) -> int:
    try:
        n = int(req.query.get("maxResults") or default)
    except ValueError:
        raise storage_error(400, "Invalid value for maxResults.", "invalid")
    return max(1, min(n, 1000))


def _token_for(s: str) -> str:
    return base64.urlsafe_b64encode(s.encode()).decode()


def _from_token(req) -> str | None:
    t = req.query.get("pageToken")
    if not t:
        return None
    try:
        return base64.urlsafe_b64decode(t.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise storage_error(400, "Invalid page token.", "invalid")


# ---------------------------------------------------------------------------------------------

def list_buckets(req):
    bearer(req, "storage")
    project = req.query.get("project")
    if not project:
        raise storage_error(400, "Required parameter: project", "required")
    what = "the Google Cloud project"
    require_storage_permission(req, None, "storage.buckets.list", what, project=project)
    names = sorted(n for n, s in req.state.world["buckets"].items() if s["project"] == project
                   and n.startswith(req.query.get("prefix", "")))
    after = _from_token(req)
    if after is not None:
        names = [n for n in names if n > after]
    limit = _max_results(req)
    page, more = names[:limit], len(names) > limit
    body = {"kind": "storage#buckets",
            "items": [_bucket_resource(req, n, req.state.bucket(n)) for n in page]}
    if more:
        body["nextPageToken"] = _token_for(page[-1])
    req.send_json(200, body)


def get_bucket(req, bucket: str):
    bearer(req, "storage")
    spec = _need_bucket(req, bucket)
    require_storage_permission(req, bucket, "storage.buckets.get",
                               "the Google Cloud Storage bucket")
    req.send_json(200, _bucket_resource(req, bucket, spec))


def list_objects(req, bucket: str):
    bearer(req, "storage")
    _need_bucket(req, bucket)
    require_storage_permission(req, bucket, "storage.objects.list",
                               "the Google Cloud Storage bucket")
    prefix, delim = req.query.get("prefix", ""), req.query.get("delimiter", "")
    start, end = req.query.get("startOffset"), req.query.get("endOffset")
    after, limit = _from_token(req), _max_results(req)
    items, prefixes, last = [], [], None
    for name in req.server.store.names(bucket):
        if not name.startswith(prefix) or (start and name < start) or (end and name >= end):
            continue
        if after is not None and (name <= after or (after.endswith(delim or "\0")
                                                    and name.startswith(after))):
            continue
        rest = name[len(prefix):]
        entry = None
        if delim and delim in rest:
            p = prefix + rest[:rest.index(delim) + len(delim)]
            if prefixes and prefixes[-1] == p:
                continue
            entry = ("p", p)
        else:
            entry = ("o", name)
        if len(items) + len(prefixes) == limit:
            break
        (prefixes if entry[0] == "p" else items).append(entry[1])
        last = entry[1]
    else:
        last = None
    body = {"kind": "storage#objects"}
    recs = [req.server.store.get(bucket, n) for n in items]
    body["items"] = [object_resource(req, r) for r in recs if r]
    if prefixes:
        body["prefixes"] = prefixes
    if last is not None:
        body["nextPageToken"] = _token_for(last)
    req.send_json(200, body)


def _need_object(req, bucket: str, name: str) -> dict:
    rec = req.server.store.get(bucket, name)
    if rec is None:
        raise storage_error(404, f"No such object: {bucket}/{name}", "notFound")
    gen = req.query.get("generation")
    if gen and gen != rec["generation"]:
        raise storage_error(404, f"No such object: {bucket}/{name}", "notFound")
    return rec


def get_object(req, bucket: str, name: str):
    bearer(req, "storage")
    _need_bucket(req, bucket)
    require_storage_permission(req, bucket, "storage.objects.get",
                               "the Google Cloud Storage object", object_name=name)
    rec = _need_object(req, bucket, name)
    if req.query.get("alt") != "media":
        return req.send_json(200, object_resource(req, rec))
    size = rec["size"]
    start, end, code = 0, size - 1, 200
    hashes = f"md5={rec['md5']}" + (f",crc32c={rec['crc32c']}" if rec["crc32c"] else "")
    headers = {"x-goog-generation": rec["generation"], "x-goog-metageneration": "1",
               "x-goog-stored-content-length": str(size),
               "x-goog-stored-content-encoding": "identity", "x-goog-hash": hashes,
               "ETag": object_resource(req, rec)["etag"], "Cache-Control": "private, max-age=0",
               "Last-Modified": __import__("email.utils").utils.formatdate(rec["updated"],
                                                                           usegmt=True)}
    rng = req.headers.get("Range")
    if rng:
        m = re.fullmatch(r"\s*bytes=(\d*)-(\d*)\s*", rng)
        if m is None or (not m.group(1) and not m.group(2)):
            raise storage_error(400, "Invalid Range header.", "invalid")
        if m.group(1):
            start = int(m.group(1))
            end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
        else:
            start = max(0, size - int(m.group(2)))
        if start >= size or start > end:
            req.note = "range not satisfiable"
            return req.send(416, b"", "", {"Content-Range": f"bytes */{size}", **headers})
        code = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    length = end - start + 1 if size else 0
    req.send(code, b"", rec["contentType"], headers, length=length)
    if req.method == "HEAD":
        return
    with open(rec["path"], "rb") as f:
        f.seek(start)
        left = length
        while left > 0:
            chunk = f.read(min(left, 1 << 20))
            if not chunk:
                break
            req.h.wfile.write(chunk)
            left -= len(chunk)


def delete_object(req, bucket: str, name: str):
    bearer(req, "storage")
    _need_bucket(req, bucket)
    require_storage_permission(req, bucket, "storage.objects.delete",
                               "the Google Cloud Storage object", object_name=name)
    _need_object(req, bucket, name)
    req.server.store.delete(bucket, name)
    req.send(204, b"", "")


# ---------------------------------------------------------------------------------------------
# uploads
# ---------------------------------------------------------------------------------------------

def _check_create(req, bucket: str, name: str):
    if not name:
        raise storage_error(400, "Required parameter: name", "required")
    if len(name.encode()) > 1024 or "\r" in name or "\n" in name:
        raise storage_error(400, "The specified object name is not valid.", "invalid")
    require_storage_permission(req, bucket, "storage.objects.create",
                               "the Google Cloud Storage object", object_name=name)
    if req.server.store.get(bucket, name) is not None:  # overwriting also needs delete
        require_storage_permission(req, bucket, "storage.objects.delete",
                                   "the Google Cloud Storage object", object_name=name)


def _finish(req, bucket, name, tmp, ctype, code=200):
    rec = req.server.store.commit(bucket, name, tmp, ctype or "application/octet-stream",
                                  req.query.get("ifGenerationMatch"))
    if rec == "precondition":
        raise storage_error(412, "At least one of the pre-conditions you specified did not "
                            "hold.", "conditionNotMet")
    req.send_json(code, object_resource(req, rec))


def upload(req, bucket: str):
    if req.method == "PUT" or "upload_id" in req.query:
        return resumable_chunk(req, bucket)
    bearer(req, "storage")
    _need_bucket(req, bucket)
    kind = req.query.get("uploadType", "")
    if kind == "media":
        name = req.query.get("name", "")
        _check_create(req, bucket, name)
        tmp = req.server.store.temp_path()
        with open(tmp, "wb") as f:
            for chunk in req.iter_body():
                f.write(chunk)
        return _finish(req, bucket, name, tmp, req.headers.get("Content-Type"))
    if kind == "multipart":
        meta, data, ctype = _parse_multipart(req)
        name = meta.get("name") or req.query.get("name", "")
        _check_create(req, bucket, name)
        tmp = req.server.store.temp_path()
        with open(tmp, "wb") as f:
            f.write(data)
        return _finish(req, bucket, name, tmp, meta.get("contentType") or ctype)
    if kind == "resumable":
        raw = req.body(1 << 20)
        try:
            meta = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise storage_error(400, "Invalid JSON metadata.", "parseError")
        name = meta.get("name") or req.query.get("name", "")
        _check_create(req, bucket, name)
        total = req.headers.get("X-Upload-Content-Length")
        sid = req.server.store.new_session({
            "bucket": bucket, "name": name, "principal": req.principal,
            "total": int(total) if total and total.isdigit() else None,
            "ctype": meta.get("contentType") or req.headers.get("X-Upload-Content-Type"),
            "ifgen": req.query.get("ifGenerationMatch")})
        q = urllib.parse.urlencode({"uploadType": "resumable", "name": name, "upload_id": sid})
        loc = f"{req.server.base_url}/upload/storage/v1/b/{bucket}/o?{q}"
        return req.send(200, b"", "", {"Location": loc, "X-GUploader-UploadID": sid})
    raise storage_error(400, f"Invalid upload type: {kind[:40]!r}", "invalid")


def _parse_multipart(req):
    ctype = req.headers.get("Content-Type") or ""
    m = re.search(r"""boundary=(?:"([^"]+)"|'([^']+)'|([^;\s]+))""", ctype)
    if not ctype.lower().startswith("multipart/related") or m is None:
        raise storage_error(400, "uploadType=multipart needs Content-Type multipart/related "
                            "with a boundary.", "invalid")
    body = req.body()
    delim = b"--" + next(g for g in m.groups() if g).encode()
    parts = [p for p in body.split(delim)[1:] if not p.startswith(b"--")]
    if len(parts) != 2:
        raise storage_error(400, "A multipart upload has exactly two parts (metadata, media).",
                            "invalid")
    out = []
    for p in parts:  # RFC 2046 wants CRLF; Google also takes the LF that apitools sends
        p = p[2:] if p.startswith(b"\r\n") else p[1:] if p.startswith(b"\n") else p
        crlf, lf = p.find(b"\r\n\r\n"), p.find(b"\n\n")
        if crlf >= 0 and (lf < 0 or crlf < lf):
            head, data = p[:crlf], p[crlf + 4:]
        elif lf >= 0:
            head, data = p[:lf], p[lf + 2:]
        else:
            raise storage_error(400, "A multipart part has no header/body separator.", "invalid")
        data = data[:-2] if data.endswith(b"\r\n") else data[:-1] if data.endswith(b"\n") \
            else data
        hdrs = {k.strip().lower(): v.strip() for k, _, v in
                (ln.decode(errors="replace").partition(":") for ln in head.splitlines() if ln)}
        out.append((hdrs, data))
    try:
        meta = json.loads(out[0][1] or b"{}")
    except ValueError:
        raise storage_error(400, "Invalid JSON metadata part.", "parseError")
    return meta, out[1][1], out[1][0].get("content-type")


def resumable_chunk(req, bucket: str):
    """PUT to the session URI; the URI itself is the credential (no bearer needed)."""
    store = req.server.store
    sid = req.query.get("upload_id", "")
    s = store.session(sid)
    if s is None or s["bucket"] != bucket:
        raise storage_error(404, "No such upload session.", "notFound")
    req.principal = s["principal"]
    if req.method == "DELETE":
        store.drop_session(sid)
        return req.send(499, b"", "")
    if s["done"] is not None:
        req.body(1 << 30)
        return req.send_json(200, object_resource(req, s["done"]))
    cr = req.headers.get("Content-Range")
    length = int(req.headers.get("Content-Length") or 0)
    if cr is None:
        first, last, total = (0, length - 1, length) if length else (None, None, 0)
    else:
        m = re.fullmatch(r"\s*bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)\s*", cr)
        if m is None:
            raise storage_error(400, f"Invalid Content-Range header: {cr[:60]}", "invalid")
        first = int(m.group(1)) if m.group(1) else None
        last = int(m.group(2)) if m.group(2) else None
        total = int(m.group(3)) if m.group(3) != "*" else None
    if total is None:
        total = s["total"]
    if first is not None:
        if last < first or (total is not None and last >= total):
            raise storage_error(400, f"Invalid Content-Range header: {cr}", "invalid")
        if length != last - first + 1 and "chunked" not in (
                req.headers.get("Transfer-Encoding") or "").lower():
            raise storage_error(400, "Content-Length does not match Content-Range.", "invalid")
        if first > s["persisted"]:
            req.note = f"gap: chunk starts at {first}, persisted {s['persisted']}"
            raise storage_error(400, f"Invalid request. The chunk starts at byte {first} but only "
                                f"{s['persisted']} bytes were persisted.", "invalid")
        skip, got = s["persisted"] - first, 0
        with open(s["path"], "r+b") as f:
            f.seek(s["persisted"])
            for chunk in req.iter_body():
                got += len(chunk)
                if skip >= len(chunk):
                    skip -= len(chunk)
                    continue
                f.write(chunk[skip:])
                skip = 0
            if got != last - first + 1:
                raise storage_error(400, "Body length does not match Content-Range.", "invalid")
            end = last + 1
            if total is None or end < total:
                # Only whole 256 KiB units of a non-final chunk are kept, as Google does.
                end -= end % CHUNK_UNIT
            f.truncate(end)
        s["persisted"] = end
    else:
        req.body(1 << 20)
    if total is not None and s["persisted"] == total:
        rec = req.server.store.commit(bucket, s["name"], s["path"],
                                      s["ctype"] or "application/octet-stream", s["ifgen"])
        if rec == "precondition":
            store.drop_session(sid)
            raise storage_error(412, "At least one of the pre-conditions you specified did not "
                                "hold.", "conditionNotMet")
        s["done"] = rec
        return req.send_json(200, object_resource(req, rec))
    if total is not None and s["persisted"] > total:
        raise storage_error(400, "More bytes than the declared total.", "invalid")
    hdr = {"Range": f"bytes=0-{s['persisted'] - 1}"} if s["persisted"] else {}
    req.send(308, b"", "text/plain; charset=utf-8", hdr)
