"""aws-cli (v1, botocore) as a subprocess: s3api put-object with checksum algorithms, get-object
with checksum mode, and s3 presign followed by curl."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from compat import ENDPOINT, BucketTestCase, crc32_b64, crc32c_b64, has_awscrt, run, sha256_b64

DATA = b"aws-cli client-compat payload\n" * 50


@unittest.skipUnless(shutil.which("aws"), "aws-cli not installed")
class AwsCli(BucketTestCase):

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

    def aws(self, *args):
        out = run(["aws", "--endpoint-url", ENDPOINT, "--output", "json", *args])
        return out

    def aws_json(self, *args):
        out = self.aws(*args)
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        return json.loads(out.stdout) if out.stdout.strip() else {}

    def put_with(self, algorithm, member, expected):
        key = self.key()
        put = self.aws_json("s3api", "put-object", "--bucket", self.bucket, "--key", key,
                            "--body", self.src, "--checksum-algorithm", algorithm)
        self.assertEqual(put.get(member), expected, put)
        dest = os.path.join(self.tmp, key + ".out")
        got = self.aws_json("s3api", "get-object", "--bucket", self.bucket, "--key", key,
                            "--checksum-mode", "ENABLED", dest)
        self.assertEqual(got.get(member), expected, got)
        self.assertEqual(got["ContentLength"], len(DATA))
        with open(dest, "rb") as f:
            self.assertEqual(f.read(), DATA)

    def test_put_object_crc32(self):
        self.put_with("CRC32", "ChecksumCRC32", crc32_b64(DATA))

    def test_put_object_sha256(self):
        self.put_with("SHA256", "ChecksumSHA256", sha256_b64(DATA))

    def test_put_object_crc32c(self):
        if not has_awscrt():
            out = self.aws("s3api", "put-object", "--bucket", self.bucket, "--key", self.key(),
                           "--body", self.src, "--checksum-algorithm", "CRC32C")
            self.assertNotEqual(out.returncode, 0)
            self.skipTest("aws-cli refuses CRC32C without awscrt (not installed): "
                          + out.stderr.decode().strip().splitlines()[-1][:160])
        self.put_with("CRC32C", "ChecksumCRC32C", crc32c_b64(DATA))

    def test_get_object_checksum_mode_on_default_upload(self):
        key = self.key()
        self.aws_json("s3api", "put-object", "--bucket", self.bucket, "--key", key, "--body", self.src)
        dest = os.path.join(self.tmp, key + ".out")
        got = self.aws_json("s3api", "get-object", "--bucket", self.bucket, "--key", key,
                            "--checksum-mode", "ENABLED", dest)
        self.assertEqual(got.get("ChecksumCRC32"), crc32_b64(DATA), got)  # default integrity is CRC32
        head = self.aws_json("s3api", "head-object", "--bucket", self.bucket, "--key", key)
        self.assertEqual(head["ContentLength"], len(DATA))

    def test_get_object_range(self):
        key = self.key()
        self.aws_json("s3api", "put-object", "--bucket", self.bucket, "--key", key, "--body", self.src)
        dest = os.path.join(self.tmp, key + ".out")
        got = self.aws_json("s3api", "get-object", "--bucket", self.bucket, "--key", key,
                            "--range", "bytes=100-199", dest)
        self.assertEqual(got["ContentRange"], f"bytes 100-199/{len(DATA)}")
        with open(dest, "rb") as f:
            self.assertEqual(f.read(), DATA[100:200])

    def test_s3_presign_then_curl(self):
        key = self.key()
        self.aws_json("s3api", "put-object", "--bucket", self.bucket, "--key", key, "--body", self.src)
        out = self.aws("s3", "presign", f"s3://{self.bucket}/{key}", "--expires-in", "300")
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        url = out.stdout.decode().strip()
        self.assertTrue(url.startswith(ENDPOINT + "/"), url)
        got = subprocess.run(["curl", "-sS", "--noproxy", "*", "-f", url], capture_output=True, timeout=30)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertEqual(got.stdout, DATA)

    def test_s3_cp_and_ls(self):
        key = self.key()
        out = self.aws("s3", "cp", self.src, f"s3://{self.bucket}/{key}", "--only-show-errors")
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        out = self.aws("s3", "ls", f"s3://{self.bucket}/")
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        self.assertIn(key, out.stdout.decode())

    def test_error_exit_for_missing_key(self):
        out = self.aws("s3api", "head-object", "--bucket", self.bucket, "--key", "missing")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("404", out.stderr.decode())
        out = self.aws("s3api", "get-object", "--bucket", self.bucket, "--key", "missing",
                       os.path.join(self.tmp, "missing.out"))
        self.assertIn("NoSuchKey", out.stderr.decode())


if __name__ == "__main__":
    unittest.main()
