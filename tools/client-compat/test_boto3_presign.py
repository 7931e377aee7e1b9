"""Presigned URLs made by boto3 (default SigV2 query auth, and s3v4) followed by urllib, curl and
raw HTTP."""
import datetime
import hashlib
import hmac
import subprocess
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from compat import ENDPOINT, HOSTPORT, KEY, REGION, SECRET, BucketTestCase, client, get_url

DATA = b"presigned body \x00\x01\xff bytes\n"


def urllib_open(url, method="GET", data=None):
    """urllib with no proxy; returns (status, body) for success and error alike."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    req = urllib.request.Request(url, data=data, method=method)
    try:
        with opener.open(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Boto3Presign(BucketTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.put_object(Bucket=cls.bucket, Key="obj", Body=DATA)
        cls.v4 = client(signature_version="s3v4")

    def test_default_presign_is_sigv2_get_with_urllib(self):
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "obj"})
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        self.assertIn("AWSAccessKeyId", q, url)  # this botocore presigns with SigV2 by default
        self.assertIn("Signature", q)
        status, body = urllib_open(url)
        self.assertEqual((status, body), (200, DATA))

    def test_default_presign_get_with_curl(self):
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "obj"})
        out = subprocess.run(["curl", "-sS", "--noproxy", "*", "-f", url], capture_output=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, DATA)

    def test_default_presign_put(self):
        url = self.s3.generate_presigned_url("put_object", Params={"Bucket": self.bucket, "Key": "v2put"})
        self.assertIn("AWSAccessKeyId=", url)
        # http.client-level PUT: urllib would add a Content-Type the SigV2 string to sign did not include
        r = get_url(url, "PUT", {}, DATA)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="v2put")["Body"].read(), DATA)

    def test_default_presign_put_with_curl(self):
        url = self.s3.generate_presigned_url("put_object", Params={"Bucket": self.bucket, "Key": "v2curl"})
        out = subprocess.run(["curl", "-sS", "--noproxy", "*", "-f", "-X", "PUT", "-H", "Content-Type:",
                              "--data-binary", "@-", url], input=DATA, capture_output=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr + out.stdout)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="v2curl")["Body"].read(), DATA)

    def test_sigv2_presign_tampered_signature_refused(self):
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "obj"})
        r = get_url(url.replace("obj?", "obj2?"))
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.error_code(), "SignatureDoesNotMatch")

    def test_s3v4_presign_get_and_put(self):
        url = self.v4.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "obj"})
        self.assertIn("X-Amz-Algorithm=AWS4-HMAC-SHA256", url)
        self.assertEqual(urllib_open(url), (200, DATA))
        put = self.v4.generate_presigned_url("put_object", Params={"Bucket": self.bucket, "Key": "v4put"})
        # SigV4 presign signs only host, so urllib's own Content-Type is fine here
        status, _ = urllib_open(put, "PUT", DATA)
        self.assertEqual(status, 200)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="v4put")["Body"].read(), DATA)

    def test_s3v4_presign_tampered_refused(self):
        url = self.v4.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "obj"})
        r = get_url(url.replace("X-Amz-Expires=3600", "X-Amz-Expires=3601"))
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.error_code(), "SignatureDoesNotMatch")

    def test_expired_presigned_urls(self):
        v2 = self.s3.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "obj"}, ExpiresIn=1)
        v4 = self.v4.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "obj"}, ExpiresIn=1)
        time.sleep(2.2)
        for name, url in (("sigv2", v2), ("sigv4", v4)):
            with self.subTest(name):
                r = get_url(url)
                self.assertEqual(r.status, 403, r)
                self.assertEqual(r.error_code(), "AccessDenied", r)
                self.assertIn("Request has expired", r.error_message())

    def test_s3v4_expires_over_a_week_refused(self):
        url = self.v4.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "obj"},
                                             ExpiresIn=604801)
        self.assertIn("X-Amz-Expires=604801", url)
        r = get_url(url)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.error_code(), "AuthorizationQueryParametersError", r)
        # exactly a week is the largest allowed value
        ok = self.v4.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "obj"},
                                            ExpiresIn=604800)
        self.assertEqual(get_url(ok).status, 200)

    def test_hand_built_sigv4_query(self):
        # Independent of botocore's presigner: the SigV4 query algorithm written out by hand.
        now = datetime.datetime.now(datetime.timezone.utc)
        amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
        scope = f"{day}/{REGION}/s3/aws4_request"
        params = {"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": f"{KEY}/{scope}",
                  "X-Amz-Date": amz_date, "X-Amz-Expires": "60", "X-Amz-SignedHeaders": "host"}
        qs = "&".join(f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}"
                      for k, v in sorted(params.items()))
        path = f"/{self.bucket}/obj"
        creq = "\n".join(["GET", path, qs, f"host:{HOSTPORT}", "", "host", "UNSIGNED-PAYLOAD"])
        sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
        k = ("AWS4" + SECRET).encode()
        for part in (day, REGION, "s3", "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
        r = get_url(f"{ENDPOINT}{path}?{qs}&X-Amz-Signature={sig}")
        self.assertEqual((r.status, r.body), (200, DATA), r)


if __name__ == "__main__":
    unittest.main()
