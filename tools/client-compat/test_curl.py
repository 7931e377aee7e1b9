"""curl's built-in SigV4 signer (--aws-sigv4). curl signs only host and x-amz-date and sends no
x-amz-content-sha256 unless the user adds one, and it hashes the body it sends as the payload."""
import os
import shutil
import subprocess
import tempfile
import unittest

from compat import ENDPOINT, KEY, SECRET, BucketTestCase, crc32_b64

DATA = bytes(range(256)) * 4 + b"curl tail\n"


@unittest.skipUnless(shutil.which("curl"), "curl not installed")
class CurlSigV4(BucketTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp()
        cls.src = os.path.join(cls.tmp, "src.bin")
        with open(cls.src, "wb") as f:
            f.write(DATA)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    def curl(self, *args, secret=SECRET):
        cmd = ["curl", "-sS", "--noproxy", "*", "--max-time", "30",
               "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", f"{KEY}:{secret}",
               "-o", "-", "-w", "\n%{http_code}", *args]
        out = subprocess.run(cmd, capture_output=True, timeout=40)
        self.assertEqual(out.returncode, 0, out.stderr)
        body, _, status = out.stdout.rpartition(b"\n")
        return int(status), body

    def url(self, key):
        return f"{ENDPOINT}/{self.bucket}/{key}"

    def test_get_object(self):
        key = self.key()
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=DATA)
        status, body = self.curl(self.url(key))
        self.assertEqual(status, 200, body)
        self.assertEqual(body, DATA)

    def test_get_with_wrong_secret_refused(self):
        key = self.key()
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=DATA)
        status, body = self.curl(self.url(key), secret=SECRET + "x")
        self.assertEqual(status, 403, body)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", body)

    def test_put_data_binary_refused_clearly(self):
        # What the server does today with curl's --data-binary PUT: refuses it, nothing stored.
        key = self.key()
        status, body = self.curl("-X", "PUT", "--data-binary", f"@{self.src}", self.url(key))
        self.assertIn(status, (200, 400, 403), body)
        if status != 200:
            self.assert_absent(key)

    def test_put_data_binary(self):
        # curl hashes the body into the canonical request but sends no x-amz-content-sha256 header.
        key = self.key()
        status, body = self.curl("-X", "PUT", "--data-binary", f"@{self.src}", self.url(key))
        self.assertEqual(status, 200, body)
        got = self.s3.get_object(Bucket=self.bucket, Key=key)
        self.assertEqual(got["Body"].read(), DATA)
        self.assertEqual(got["ContentType"], "application/x-www-form-urlencoded")  # curl's default, stored as sent

    def test_put_upload_file_unsigned_payload(self):
        key = self.key()
        status, body = self.curl("-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "-T", self.src, self.url(key))
        self.assertEqual(status, 200, body)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(), DATA)

    def test_put_upload_file_no_hash_header_refused(self):
        # curl -T signs the empty-body hash (it cannot hash a streamed file up front) and then
        # sends the file: nothing signed those bytes, so the server must refuse and store nothing.
        key = self.key()
        status, body = self.curl("-T", self.src, self.url(key))
        self.assertEqual(status, 400, body)
        self.assertIn(b"<Code>XAmzContentSHA256Mismatch</Code>", body)
        self.assert_absent(key)

    def test_put_with_checksum_header(self):
        key = self.key()
        status, body = self.curl("-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD",
                                 "-H", f"x-amz-checksum-crc32: {crc32_b64(b'wrong')}", "-T", self.src, self.url(key))
        self.assertEqual(status, 400, body)
        self.assertIn(b"<Code>BadDigest</Code>", body)
        self.assert_absent(key)
        status, body = self.curl("-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD",
                                 "-H", f"x-amz-checksum-crc32: {crc32_b64(DATA)}", "-T", self.src, self.url(key))
        self.assertEqual(status, 200, body)

    def test_bucket_operations(self):
        name = self.bucket + "-curl"
        status, body = self.curl("-X", "PUT", f"{ENDPOINT}/{name}")
        self.assertEqual(status, 200, body)
        status, body = self.curl(f"{ENDPOINT}/{name}?list-type=2")
        self.assertEqual(status, 200, body)
        self.assertIn(b"<KeyCount>0</KeyCount>", body)
        status, body = self.curl("-X", "DELETE", f"{ENDPOINT}/{name}")
        self.assertEqual(status, 204, body)

    def test_delete_object(self):
        key = self.key()
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=DATA)
        status, body = self.curl("-X", "DELETE", self.url(key))
        self.assertEqual(status, 204, body)
        self.assert_absent(key)


if __name__ == "__main__":
    unittest.main()
