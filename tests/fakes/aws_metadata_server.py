#!/usr/bin/env python3
"""Loopback fake of the two AWS credential sources an instance or container has:

- the container credentials endpoint (ECS / EKS pod identity): GET /creds with the
  Authorization header equal to the configured token;
- the EC2 instance metadata service, IMDSv2 only: PUT /latest/api/token with
  X-aws-ec2-metadata-token-ttl-seconds, then GET /latest/meta-data/iam/security-credentials/
  and .../ROLE with X-aws-ec2-metadata-token.

Written from AWS's documentation, independently of Latchkey. Usage:
    aws_metadata_server.py --port-file F --access-key-id K --secret-access-key S [--token T]
        [--container-token C] [--role ROLE]
"""
import argparse
import datetime
import json
import os
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--access-key-id", required=True)
    ap.add_argument("--secret-access-key", required=True)
    ap.add_argument("--token")
    ap.add_argument("--container-token", default="container-token")
    ap.add_argument("--role", default="latchkey-instance-role")
    a = ap.parse_args()
    imds_tokens = set()
    lock = threading.Lock()
    expiration = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1))

    def credentials():
        body = {"AccessKeyId": a.access_key_id, "SecretAccessKey": a.secret_access_key,
                "Expiration": expiration.strftime("%Y-%m-%dT%H:%M:%SZ")}
        if a.token:
            body["Token"] = a.token
        return json.dumps(body).encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, body=b""):
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_PUT(self):
            if self.path != "/latest/api/token" or not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                return self.answer(400)
            token = secrets.token_urlsafe(24)
            with lock:
                imds_tokens.add(token)
            self.answer(200, token.encode())

        def do_GET(self):
            if self.path == "/creds":
                if self.headers.get("Authorization") != a.container_token:
                    return self.answer(401, b'{"message":"bad token"}')
                return self.answer(200, credentials())
            prefix = "/latest/meta-data/iam/security-credentials/"
            if self.path.startswith(prefix):
                with lock:
                    ok = self.headers.get("X-aws-ec2-metadata-token") in imds_tokens
                if not ok:  # IMDSv1 (no token) is refused, as on instances that require v2
                    return self.answer(401)
                role = self.path[len(prefix):]
                if role == "":
                    return self.answer(200, a.role.encode())
                if role == a.role:
                    return self.answer(200, credentials())
            self.answer(404)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
