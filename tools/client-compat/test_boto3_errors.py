"""S3 error codes as boto3 sees them (ClientError code, HTTP status), plus the anonymous case."""
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import botocore

from compat import (ENDPOINT, KEY, KEY2, SECRET, SECRET2, BucketTestCase, client, new_bucket_name, raw,
                    signed)

DATA = b"0123456789" * 10


class Boto3Errors(BucketTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.put = cls.s3.put_object(Bucket=cls.bucket, Key="obj", Body=DATA)

    def test_no_such_bucket(self):
        missing = new_bucket_name("missing")
        self.assert_client_error(lambda: self.s3.get_object(Bucket=missing, Key="k"), "NoSuchBucket", 404)
        self.assert_client_error(lambda: self.s3.list_objects_v2(Bucket=missing), "NoSuchBucket", 404)
        self.assert_client_error(lambda: self.s3.head_bucket(Bucket=missing), "404", 404)

    def test_no_such_key(self):
        self.assert_client_error(lambda: self.s3.get_object(Bucket=self.bucket, Key="nope"), "NoSuchKey", 404)

    def test_not_found_errors_name_the_resource(self):
        missing = new_bucket_name("missing")
        err = self.assert_client_error(lambda: self.s3.get_object(Bucket=missing, Key="k"), "NoSuchBucket", 404)
        self.assertEqual(err["Error"].get("BucketName"), missing)
        err = self.assert_client_error(lambda: self.s3.get_object(Bucket=self.bucket, Key="nope"), "NoSuchKey", 404)
        self.assertEqual(err["Error"].get("Key"), "nope")

    def test_bucket_not_empty(self):
        self.assert_client_error(lambda: self.s3.delete_bucket(Bucket=self.bucket), "BucketNotEmpty", 409)
        self.s3.head_bucket(Bucket=self.bucket)  # still there

    def test_bucket_already_owned_by_you(self):
        self.assert_client_error(lambda: self.s3.create_bucket(Bucket=self.bucket), "BucketAlreadyOwnedByYou", 409)

    def test_invalid_bucket_name(self):
        # botocore itself refuses names with characters outside [A-Za-z0-9._-]; these pass that
        # check and must be refused by the server's own S3 naming rules.
        for name in ("Upper-Case-Name", "under_score", "ab", "a" * 64, "192.168.1.1", "double..dot", "-leading"):
            with self.subTest(name):
                self.assert_client_error(lambda: self.s3.create_bucket(Bucket=name), "InvalidBucketName", 400)

    def test_signature_does_not_match(self):
        bad = client(secret=SECRET + "x")
        self.assert_client_error(lambda: bad.list_buckets(), "SignatureDoesNotMatch", 403)
        self.assert_client_error(lambda: bad.put_object(Bucket=self.bucket, Key="sdnm", Body=b"x"),
                                 "SignatureDoesNotMatch", 403)
        self.assert_absent("sdnm")

    def test_other_users_secret_does_not_match(self):
        if KEY2 == KEY:
            self.skipTest("only one user configured")
        crossed = client(key=KEY2, secret=SECRET)
        self.assert_client_error(lambda: crossed.list_buckets(), "SignatureDoesNotMatch", 403)

    def test_second_user_authenticates(self):
        other = client(key=KEY2, secret=SECRET2)
        self.assertEqual(other.get_object(Bucket=self.bucket, Key="obj")["Body"].read(), DATA)
        sigv2 = client(key=KEY2, secret=SECRET2)
        url = sigv2.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "obj"})
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=30) as r:
            self.assertEqual(r.read(), DATA)

    def test_invalid_access_key_id(self):
        bad = client(key="AKIANOSUCHKEY0000000")
        self.assert_client_error(lambda: bad.list_buckets(), "InvalidAccessKeyId", 403)
        self.assert_client_error(lambda: bad.get_object(Bucket=self.bucket, Key="obj"), "InvalidAccessKeyId", 403)

    def test_invalid_range_416(self):
        err = self.assert_client_error(
            lambda: self.s3.get_object(Bucket=self.bucket, Key="obj", Range="bytes=1000-2000"), "InvalidRange", 416)
        self.assertIsNotNone(err)

    def test_valid_ranges(self):
        r = self.s3.get_object(Bucket=self.bucket, Key="obj", Range="bytes=10-19")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(r["ContentRange"], f"bytes 10-19/{len(DATA)}")
        self.assertEqual(r["Body"].read(), DATA[10:20])
        r = self.s3.get_object(Bucket=self.bucket, Key="obj", Range="bytes=-5")
        self.assertEqual(r["Body"].read(), DATA[-5:])
        r = self.s3.get_object(Bucket=self.bucket, Key="obj", Range="bytes=95-500")
        self.assertEqual(r["Body"].read(), DATA[95:])

    def test_precondition_failed_if_match(self):
        self.assert_client_error(
            lambda: self.s3.get_object(Bucket=self.bucket, Key="obj", IfMatch='"0123456789abcdef0123456789abcdef"'),
            "PreconditionFailed", 412)
        ok = self.s3.get_object(Bucket=self.bucket, Key="obj", IfMatch=self.put["ETag"])
        self.assertEqual(ok["Body"].read(), DATA)

    def test_not_modified_if_none_match(self):
        err = self.assert_client_error(
            lambda: self.s3.get_object(Bucket=self.bucket, Key="obj", IfNoneMatch=self.put["ETag"]), "304", 304)
        self.assertEqual(err["ResponseMetadata"]["HTTPHeaders"].get("etag"), self.put["ETag"])
        self.assert_client_error(
            lambda: self.s3.head_object(Bucket=self.bucket, Key="obj", IfNoneMatch=self.put["ETag"]), "304", 304)
        ok = self.s3.get_object(Bucket=self.bucket, Key="obj", IfNoneMatch='"ffffffffffffffffffffffffffffffff"')
        self.assertEqual(ok["Body"].read(), DATA)

    def test_wrong_region_authorization_header_malformed(self):
        # Look at the first answer: botocore's region redirector would otherwise retry in the
        # region the error names and hide it.
        first = {}

        def capture(response, **_):
            first.setdefault("response", response)  # returning None: no retry decided here

        eu = client(region="eu-west-1")
        eu.meta.events.register_first("needs-retry.s3.ListObjectsV2", capture)
        try:
            eu.list_objects_v2(Bucket=self.bucket)
        except botocore.exceptions.ClientError:
            pass
        http_response, parsed = first["response"]
        self.assertEqual(http_response.status_code, 400, http_response.content)
        root = ET.fromstring(http_response.content)
        self.assertEqual(root.findtext("Code"), "AuthorizationHeaderMalformed")
        self.assertIn("us-east-1", root.findtext("Message"))
        self.assertIn("eu-west-1", root.findtext("Message"))

    def test_wrong_region_error_names_region_element_and_boto3_recovers(self):
        r = signed("GET", f"/{self.bucket}/obj", region="eu-west-1")
        self.assertEqual(ET.fromstring(r.body).findtext("Region"), "us-east-1", r)
        eu = client(region="eu-west-1")
        self.assertEqual(eu.get_object(Bucket=self.bucket, Key="obj")["Body"].read(), DATA)

    def test_wrong_region_raw(self):
        r = signed("GET", f"/{self.bucket}/obj", region="eu-west-1")
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.error_code(), "AuthorizationHeaderMalformed")
        self.assertIn("us-east-1", r.error_message())

    def test_anonymous_get_access_denied(self):
        for path in (f"/{self.bucket}/obj", f"/{self.bucket}", "/"):
            with self.subTest(path):
                r = raw("GET", path)
                self.assertEqual(r.status, 403, r)
                self.assertEqual(r.error_code(), "AccessDenied", r)
                self.assertTrue(r.header("Content-Type").startswith("application/xml"))
        # urllib, as a browser-like client would
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                f"{ENDPOINT}/{self.bucket}/obj", timeout=30)
        self.assertEqual(cm.exception.code, 403)
        self.assertEqual(ET.fromstring(cm.exception.read()).findtext("Code"), "AccessDenied")


if __name__ == "__main__":
    unittest.main()
