"""SigV2 header auth (signature_version='s3'), virtual-host addressing, and keys with characters
that each signer encodes differently."""
import unittest

from botocore.auth import HmacV1Auth, S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from compat import KEY, PORT, SECRET, BucketTestCase, client, get_url, raw

ODD_KEYS = ["sp ace", "plus+sign", "pct%20literal", "tilde~", "uni-ключ-日本", "a//b", "trail/", "q?mark",
            "hash#x", "amp&eq=", "quote'\"", "<lt>&gt;", "semi;colon", "star*", "(paren)", "back\\slash",
            "emoji-\U0001F600", "..x", "dir/sub dir/file name.txt"]


class Boto3SigV2AndKeys(BucketTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.v2 = client(signature_version="s3")

    def test_sigv2_header_object_ops(self):
        key = self.key()
        self.v2.put_object(Bucket=self.bucket, Key=key, Body=b"v2", ContentType="x/y", Metadata={"q": "1"})
        got = self.v2.get_object(Bucket=self.bucket, Key=key)
        self.assertEqual(got["Body"].read(), b"v2")
        self.assertEqual(got["Metadata"], {"q": "1"})
        self.assertEqual(self.v2.head_object(Bucket=self.bucket, Key=key)["ContentType"], "x/y")
        self.v2.delete_object(Bucket=self.bucket, Key=key)
        self.assert_absent(key)

    def test_sigv2_wrong_secret_refused(self):
        bad = client(secret=SECRET + "x", signature_version="s3")
        self.assert_client_error(lambda: bad.get_object(Bucket=self.bucket, Key="x"), "SignatureDoesNotMatch", 403)

    def test_sigv2_header_bucket_ops(self):
        key = self.key()
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"x")
        self.assertIn(key, [o["Key"] for o in self.v2.list_objects(Bucket=self.bucket)["Contents"]])
        self.assertIn(key, [o["Key"] for o in self.v2.list_objects_v2(Bucket=self.bucket)["Contents"]])
        self.v2.head_bucket(Bucket=self.bucket)
        self.v2.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": key}]})
        self.assert_absent(key)

    def _vhost_get(self, auth, path, auth_path):
        host = f"{self.bucket}.localhost:{PORT}"
        req = AWSRequest(method="GET", url=f"http://{host}{path}",
                         headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"} if auth != "v2" else {})
        if auth == "v2":
            req.auth_path = auth_path  # what botocore signs for a virtual-host request
            HmacV1Auth(Credentials(KEY, SECRET)).add_auth(req)
        else:
            S3SigV4Auth(Credentials(KEY, SECRET), "s3", "us-east-1").add_auth(req)
        headers = dict(req.prepare().headers)
        headers["Host"] = host  # sent to 127.0.0.1, addressed to bucket.localhost
        return raw("GET", path, headers)

    def test_virtual_host_sigv4(self):
        self.s3.put_object(Bucket=self.bucket, Key="vh", Body=b"vhost")
        r = self._vhost_get("v4", "/vh", None)
        self.assertEqual((r.status, r.body), (200, b"vhost"), r)

    def test_virtual_host_sigv2(self):
        self.s3.put_object(Bucket=self.bucket, Key="vh2", Body=b"vhost")
        r = self._vhost_get("v2", "/vh2", f"/{self.bucket}/vh2")
        self.assertEqual((r.status, r.body), (200, b"vhost"), r)

    def test_odd_keys_every_signer(self):
        for k in ODD_KEYS:
            with self.subTest(key=k):
                self.s3.put_object(Bucket=self.bucket, Key=k, Body=k.encode())
                self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=k)["Body"].read(), k.encode())
                self.assertEqual(self.v2.get_object(Bucket=self.bucket, Key=k)["Body"].read(), k.encode())
                for c in (self.s3, client(signature_version="s3v4")):
                    url = c.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": k})
                    r = get_url(url)
                    self.assertEqual((r.status, r.body), (200, k.encode()), url)
        v2 = [o["Key"] for p in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
              for o in p.get("Contents", [])]
        v1 = [o["Key"] for p in self.s3.get_paginator("list_objects").paginate(Bucket=self.bucket)
              for o in p.get("Contents", [])]
        for k in ODD_KEYS:
            self.assertIn(k, v2)
            self.assertIn(k, v1)
        r = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in ODD_KEYS]})
        self.assertEqual(sorted(d["Key"] for d in r["Deleted"]), sorted(ODD_KEYS))
        for k in ODD_KEYS:
            self.assert_absent(k)

    def test_presign_response_overrides(self):
        self.s3.put_object(Bucket=self.bucket, Key="ov", Body=b"x")
        for name, c in (("sigv2", self.s3), ("sigv4", client(signature_version="s3v4"))):
            with self.subTest(name):
                url = c.generate_presigned_url("get_object", Params={
                    "Bucket": self.bucket, "Key": "ov", "ResponseContentType": "text/x-y",
                    "ResponseContentDisposition": 'attachment; filename="x y.txt"'})
                r = get_url(url)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.header("Content-Type"), "text/x-y")
                self.assertEqual(r.header("Content-Disposition"), 'attachment; filename="x y.txt"')


if __name__ == "__main__":
    import unittest as _u
    _u.main()
