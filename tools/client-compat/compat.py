"""Shared helpers for the client-compatibility tests.

The server under test is named by the environment (run.sh sets it):
FASTS3_ENDPOINT, FASTS3_KEY/FASTS3_SECRET (first user), FASTS3_KEY2/FASTS3_SECRET2 (second user).
Everything talks to that loopback endpoint only.
"""
import base64
import hashlib
import http.client
import os
import subprocess
import unittest
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
import zlib

import boto3
import botocore
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

ENDPOINT = os.environ.get("FASTS3_ENDPOINT", "http://127.0.0.1:9000")
KEY = os.environ.get("FASTS3_KEY", "fasts3admin")
SECRET = os.environ.get("FASTS3_SECRET", "fasts3secret-change-me")
KEY2 = os.environ.get("FASTS3_KEY2", KEY)
SECRET2 = os.environ.get("FASTS3_SECRET2", SECRET)
REGION = "us-east-1"

_parsed = urllib.parse.urlsplit(ENDPOINT)
HOST = _parsed.hostname
PORT = _parsed.port
HOSTPORT = f"{HOST}:{PORT}"

# The CLI and boto3 must not pick up a developer's profile, proxy or IMDS.
for _k in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
    os.environ.pop(_k, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["NO_PROXY"] = "127.0.0.1,localhost"


def client(key=KEY, secret=SECRET, region=REGION, signature_version=None, **cfg):
    """A boto3 S3 client with default settings apart from path-style addressing."""
    conf = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                  connect_timeout=5, read_timeout=30, **cfg)
    if signature_version:
        conf = conf.merge(Config(signature_version=signature_version))
    return boto3.client("s3", endpoint_url=ENDPOINT, region_name=region,
                        aws_access_key_id=key, aws_secret_access_key=secret, config=conf)


def new_bucket_name(prefix="cc"):
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def empty_and_delete(s3, bucket):
    """Best-effort teardown so a failure in one test does not leak into another's listing."""
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
        for up in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
            s3.abort_multipart_upload(Bucket=bucket, Key=up["Key"], UploadId=up["UploadId"])
        s3.delete_bucket(Bucket=bucket)
    except botocore.exceptions.ClientError:
        pass


class BucketTestCase(unittest.TestCase):
    """One fresh bucket per test class, torn down at the end."""

    @classmethod
    def setUpClass(cls):
        cls.s3 = client()
        cls.bucket = new_bucket_name(cls.__name__.lower()[:20])
        cls.s3.create_bucket(Bucket=cls.bucket)

    @classmethod
    def tearDownClass(cls):
        empty_and_delete(cls.s3, cls.bucket)

    def key(self, suffix=""):
        return f"{self._testMethodName}{suffix}"

    def assert_client_error(self, fn, code, status=None):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn()
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        if status is not None:
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        return err

    def assert_absent(self, key, bucket=None):
        self.assert_client_error(lambda: self.s3.head_object(Bucket=bucket or self.bucket, Key=key), "404", 404)


# ---- checksums the server must agree with (pure Python, no awscrt) ----

def b64(raw):
    return base64.b64encode(raw).decode()


def crc32_b64(data):
    return b64((zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big"))


def _reflected_table(poly, width):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c & ((1 << width) - 1))
    return table


_CRC32C = _reflected_table(0x82F63B78, 32)
_CRC64NVME = _reflected_table(0x9A6C9329AC4BC9B5, 64)


def _crc(table, width, data):
    mask = (1 << width) - 1
    c = mask
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return (c ^ mask) & mask


def crc32c_b64(data):
    return b64(_crc(_CRC32C, 32, data).to_bytes(4, "big"))


def crc64nvme_b64(data):
    return b64(_crc(_CRC64NVME, 64, data).to_bytes(8, "big"))


def sha1_b64(data):
    return b64(hashlib.sha1(data).digest())


def sha256_b64(data):
    return b64(hashlib.sha256(data).digest())


def md5_b64(data):
    return b64(hashlib.md5(data).digest())


assert crc32c_b64(b"123456789") == b64(bytes.fromhex("e3069283"))
assert crc64nvme_b64(b"123456789") == b64(bytes.fromhex("ae8b14860a799888"))


def has_awscrt():
    try:
        import awscrt  # noqa: F401
        return True
    except ImportError:
        return False


# ---- raw HTTP ----

class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def error_code(self):
        return ET.fromstring(self.body).findtext("Code")

    def error_message(self):
        return ET.fromstring(self.body).findtext("Message")

    def __repr__(self):
        return f"<{self.status} {self.body[:400]!r}>"


def raw(method, path_and_query, headers=None, body=None):
    """One request on a fresh connection, sent exactly as given (no header added but Host)."""
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    try:
        conn.putrequest(method, path_and_query, skip_host=True, skip_accept_encoding=True)
        hdrs = dict(headers or {})
        if not any(k.lower() == "host" for k in hdrs):
            conn.putheader("Host", HOSTPORT)
        for k, v in hdrs.items():
            conn.putheader(k, v)
        if body is not None and not any(k.lower() == "content-length" for k in hdrs):
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, resp.getheaders(), data)
    finally:
        conn.close()




def get_url(url, method="GET", headers=None, body=None):
    """Follow a full URL (a presigned one) on the loopback endpoint."""
    parts = urllib.parse.urlsplit(url)
    assert f"{parts.hostname}:{parts.port}" == HOSTPORT, url
    target = parts.path + ("?" + parts.query if parts.query else "")
    return raw(method, target, headers, body)


def signed(method, path, headers=None, body=b"", key=KEY, secret=SECRET, region=REGION, payload_hash=None):
    """A SigV4 header-signed request built by botocore's signer but sent raw, so a test controls
    every header value (a wrong checksum, for instance) without SDK-side validation in the way."""
    url = ENDPOINT + path
    hdrs = dict(headers or {})
    hdrs["x-amz-content-sha256"] = payload_hash or hashlib.sha256(body).hexdigest()
    req = AWSRequest(method=method, url=url, data=body, headers=hdrs)
    SigV4Auth(Credentials(key, secret), "s3", region).add_auth(req)
    prepared = req.prepare()
    return raw(method, path, dict(prepared.headers), body if body else None)


def run(cmd, env_extra=None, timeout=60):
    env = dict(os.environ)
    env.update({"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_DEFAULT_REGION": REGION})
    env.update(env_extra or {})
    return subprocess.run(cmd, capture_output=True, env=env, timeout=timeout)
