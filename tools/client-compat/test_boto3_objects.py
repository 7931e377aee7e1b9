"""boto3 object round trips with each flexible-checksum algorithm, integrity failures, multipart,
listing, copy and delete."""
import io
import os
import unittest

import botocore
from boto3.s3.transfer import TransferConfig

from compat import (BucketTestCase, client, crc32_b64, crc32c_b64, crc64nvme_b64, has_awscrt,
                    md5_b64, sha1_b64, sha256_b64, signed)

DATA = b"hello from boto3 client-compat\n" * 37 + b"tail without newline"


class Boto3Checksums(BucketTestCase):

    def round_trip(self, algorithm, expected_b64, **put_extra):
        key = self.key()
        put = self.s3.put_object(Bucket=self.bucket, Key=key, Body=DATA, **put_extra)
        member = "Checksum" + algorithm
        # the server echoes the checksum it verified and stored
        self.assertEqual(put.get(member), expected_b64, put)
        got = self.s3.get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        self.assertEqual(got.get(member), expected_b64)
        self.assertEqual(got["Body"].read(), DATA)  # botocore validates the checksum while reading
        head = self.s3.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        self.assertEqual(head["ContentLength"], len(DATA))
        self.assertEqual(head.get(member), expected_b64)
        return got

    def test_default_integrity_is_crc32_header(self):
        seen = {}

        def capture(request, **_):
            seen.update({k.lower(): v.decode() if isinstance(v, bytes) else v
                         for k, v in request.headers.items()})

        s3 = client()
        s3.meta.events.register("before-send.s3.PutObject", capture)
        key = self.key()
        put = s3.put_object(Bucket=self.bucket, Key=key, Body=DATA)
        self.assertEqual(seen.get("x-amz-checksum-crc32"), crc32_b64(DATA))  # what botocore sent
        self.assertEqual(put["ChecksumCRC32"], crc32_b64(DATA))
        got = s3.get_object(Bucket=self.bucket, Key=key)  # botocore asks for checksum mode by default
        self.assertEqual(got["ChecksumCRC32"], crc32_b64(DATA))
        self.assertEqual(got["Body"].read(), DATA)
        self.assertEqual(got["ETag"].strip('"'), __import__("hashlib").md5(DATA).hexdigest())

    def test_crc32_explicit(self):
        self.round_trip("CRC32", crc32_b64(DATA), ChecksumAlgorithm="CRC32")

    def test_crc32c_sdk_computed(self):
        if not has_awscrt():
            self.skipTest("botocore needs awscrt to compute CRC32C and awscrt is not installed "
                          "(test_crc32c_precomputed covers the server side)")
        self.round_trip("CRC32C", crc32c_b64(DATA), ChecksumAlgorithm="CRC32C")

    def test_crc32c_precomputed(self):
        # The caller supplies the value, so botocore sends the header without needing awscrt.
        self.round_trip("CRC32C", crc32c_b64(DATA), ChecksumCRC32C=crc32c_b64(DATA))

    def test_sha1(self):
        self.round_trip("SHA1", sha1_b64(DATA), ChecksumAlgorithm="SHA1")

    def test_sha256(self):
        self.round_trip("SHA256", sha256_b64(DATA), ChecksumAlgorithm="SHA256")

    def test_crc64nvme_sdk_computed(self):
        if not has_awscrt():
            self.skipTest("botocore needs awscrt to compute CRC64NVME and awscrt is not installed "
                          "(test_crc64nvme_precomputed covers the server side)")
        self.round_trip("CRC64NVME", crc64nvme_b64(DATA), ChecksumAlgorithm="CRC64NVME")

    def test_crc64nvme_precomputed(self):
        self.round_trip("CRC64NVME", crc64nvme_b64(DATA), ChecksumCRC64NVME=crc64nvme_b64(DATA))

    def test_get_checksum_mismatch_is_detected_by_boto3(self):
        # Guards the test above: boto3 really validates what the server returns. A server that
        # served a checksum not matching the body would make get_object reads fail.
        key = self.key()
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=DATA, ChecksumAlgorithm="SHA256")
        got = self.s3.get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        body = got["Body"]
        self.assertTrue(type(body).__name__ == "StreamingChecksumBody", type(body))
        self.assertEqual(body.read(), DATA)

    def test_content_md5_mismatch_is_bad_digest_and_not_stored(self):
        key = self.key()
        self.assert_client_error(
            lambda: self.s3.put_object(Bucket=self.bucket, Key=key, Body=DATA, ContentMD5=md5_b64(b"other")),
            "BadDigest", 400)
        self.assert_absent(key)

    def test_content_md5_match_accepted(self):
        key = self.key()
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=DATA, ContentMD5=md5_b64(DATA))
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(), DATA)

    def test_wrong_crc32_value_via_boto3_is_bad_digest_and_not_stored(self):
        key = self.key()
        self.assert_client_error(
            lambda: self.s3.put_object(Bucket=self.bucket, Key=key, Body=DATA, ChecksumCRC32=crc32_b64(b"x")),
            "BadDigest", 400)
        self.assert_absent(key)

    def test_wrong_crc32_header_raw_signed_is_bad_digest_and_not_stored(self):
        key = self.key()
        r = signed("PUT", f"/{self.bucket}/{key}", {"x-amz-checksum-crc32": crc32_b64(b"x"),
                                                   "x-amz-sdk-checksum-algorithm": "CRC32"}, DATA)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.error_code(), "BadDigest", r)
        self.assert_absent(key)
        # and the same request with the right value goes through
        r = signed("PUT", f"/{self.bucket}/{key}", {"x-amz-checksum-crc32": crc32_b64(DATA)}, DATA)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("x-amz-checksum-crc32"), crc32_b64(DATA))

    def test_overwrite_with_bad_digest_keeps_old_object(self):
        key = self.key()
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"old")
        self.assert_client_error(
            lambda: self.s3.put_object(Bucket=self.bucket, Key=key, Body=DATA, ChecksumSHA256=sha256_b64(b"x")),
            "BadDigest", 400)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(), b"old")

    def test_conditional_put_if_none_match_star(self):
        key = self.key()
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"first", IfNoneMatch="*")
        self.assert_client_error(
            lambda: self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"second", IfNoneMatch="*"),
            "PreconditionFailed", 412)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(), b"first")

    def test_empty_object(self):
        key = self.key()
        put = self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"")
        self.assertEqual(put["ChecksumCRC32"], crc32_b64(b""))
        got = self.s3.get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        self.assertEqual((got["ContentLength"], got["Body"].read()), (0, b""))

    def test_head_object_metadata(self):
        key = self.key()
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=DATA, ContentType="text/x-compat",
                           Metadata={"colour": "blue"})
        head = self.s3.head_object(Bucket=self.bucket, Key=key)
        self.assertEqual(head["ContentLength"], len(DATA))
        self.assertEqual(head["ContentType"], "text/x-compat")
        self.assertEqual(head["Metadata"], {"colour": "blue"})
        self.assertIn("LastModified", head)


class Boto3Multipart(BucketTestCase):

    def test_upload_fileobj_20mib_multipart(self):
        data = os.urandom(20 * 1024 * 1024)
        cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024,
                             max_concurrency=4)
        key = self.key(".bin")
        self.s3.upload_fileobj(io.BytesIO(data), self.bucket, key, Config=cfg)
        head = self.s3.head_object(Bucket=self.bucket, Key=key)
        self.assertEqual(head["ContentLength"], len(data))
        self.assertTrue(head["ETag"].strip('"').endswith("-4"), head["ETag"])
        out = io.BytesIO()
        self.s3.download_fileobj(self.bucket, key, out, Config=cfg)  # ranged GETs in parallel
        self.assertTrue(out.getvalue() == data, "20 MiB download differs from the upload")
        whole = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        self.assertTrue(whole == data, "single GET differs from the upload")
        # s3transfer creates the upload with CRC32 (botocore's default), so the object has a composite CRC32
        checked = self.s3.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        self.assertTrue(checked.get("ChecksumCRC32", "").endswith("-4"), checked)

    def test_list_and_abort_multipart_upload(self):
        key = self.key()
        up = self.s3.create_multipart_upload(Bucket=self.bucket, Key=key)
        uid = up["UploadId"]
        self.s3.upload_part(Bucket=self.bucket, Key=key, UploadId=uid, PartNumber=1, Body=b"p" * 1024)
        listed = self.s3.list_multipart_uploads(Bucket=self.bucket).get("Uploads", [])
        self.assertIn((key, uid), [(u["Key"], u["UploadId"]) for u in listed])
        parts = self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=uid)["Parts"]
        self.assertEqual([(p["PartNumber"], p["Size"]) for p in parts], [(1, 1024)])
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=uid)
        listed = self.s3.list_multipart_uploads(Bucket=self.bucket).get("Uploads", [])
        self.assertNotIn(uid, [u["UploadId"] for u in listed])
        self.assert_client_error(
            lambda: self.s3.upload_part(Bucket=self.bucket, Key=key, UploadId=uid, PartNumber=2, Body=b"x"),
            "NoSuchUpload", 404)
        self.assert_absent(key)

    def _two_part_upload(self, key, checksum_type):
        data = os.urandom(5 * 1024 * 1024 + 1000)
        p1, p2 = data[:5 * 1024 * 1024], data[5 * 1024 * 1024:]
        uid = self.s3.create_multipart_upload(Bucket=self.bucket, Key=key, ChecksumAlgorithm="CRC32",
                                              ChecksumType=checksum_type)["UploadId"]
        r1 = self.s3.upload_part(Bucket=self.bucket, Key=key, UploadId=uid, PartNumber=1, Body=p1,
                                 ChecksumAlgorithm="CRC32")
        r2 = self.s3.upload_part(Bucket=self.bucket, Key=key, UploadId=uid, PartNumber=2, Body=p2,
                                 ChecksumAlgorithm="CRC32")
        self.assertEqual((r1["ChecksumCRC32"], r2["ChecksumCRC32"]), (crc32_b64(p1), crc32_b64(p2)))
        parts = [{"PartNumber": 1, "ETag": r1["ETag"], "ChecksumCRC32": r1["ChecksumCRC32"]},
                 {"PartNumber": 2, "ETag": r2["ETag"], "ChecksumCRC32": r2["ChecksumCRC32"]}]
        return data, uid, parts

    def test_multipart_crc32_composite(self):
        key = self.key()
        data, uid, parts = self._two_part_upload(key, "COMPOSITE")
        done = self.s3.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=uid,
                                                 MultipartUpload={"Parts": parts})
        # S3's composite value: CRC32 of the concatenated binary part CRC32s, then "-<parts>"
        import base64
        joined = b"".join(base64.b64decode(p["ChecksumCRC32"]) for p in parts)
        expected = crc32_b64(joined) + "-2"
        self.assertEqual((done.get("ChecksumCRC32"), done.get("ChecksumType")), (expected, "COMPOSITE"))
        got = self.s3.get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        self.assertEqual((got.get("ChecksumCRC32"), got.get("ChecksumType")), (expected, "COMPOSITE"))
        self.assertTrue(got["Body"].read() == data)

    def test_multipart_crc32_full_object(self):
        key = self.key()
        data, uid, parts = self._two_part_upload(key, "FULL_OBJECT")
        done = self.s3.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=uid,
                                                 MultipartUpload={"Parts": parts})
        self.assertEqual((done.get("ChecksumCRC32"), done.get("ChecksumType")), (crc32_b64(data), "FULL_OBJECT"))
        got = self.s3.get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        self.assertEqual(got.get("ChecksumCRC32"), crc32_b64(data))
        self.assertTrue(got["Body"].read() == data)  # botocore validates the full-object CRC32 here

    def test_multipart_wrong_listed_part_checksum_is_invalid_part(self):
        key = self.key()
        _, uid, parts = self._two_part_upload(key, "FULL_OBJECT")
        parts[1]["ChecksumCRC32"] = crc32_b64(b"not the part")
        self.assert_client_error(lambda: self.s3.complete_multipart_upload(
            Bucket=self.bucket, Key=key, UploadId=uid, MultipartUpload={"Parts": parts}), "InvalidPart", 400)
        self.assert_absent(key)
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=uid)

    def test_get_object_part_number(self):
        key = self.key()
        data = os.urandom(11 * 1024 * 1024)
        cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
        self.s3.upload_fileobj(io.BytesIO(data), self.bucket, key, Config=cfg)
        part = self.s3.get_object(Bucket=self.bucket, Key=key, PartNumber=2)
        self.assertEqual(part["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(part["PartsCount"], 3)
        self.assertEqual(part["ContentRange"], f"bytes 5242880-10485759/{len(data)}")
        self.assertTrue(part["Body"].read() == data[5 * 1024 * 1024:10 * 1024 * 1024])
        self.assert_client_error(lambda: self.s3.get_object(Bucket=self.bucket, Key=key, PartNumber=9),
                                 "InvalidPartNumber", 416)

    def test_small_non_last_part_is_entity_too_small(self):
        key = self.key()
        uid = self.s3.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        e1 = self.s3.upload_part(Bucket=self.bucket, Key=key, UploadId=uid, PartNumber=1, Body=b"a" * 10)["ETag"]
        e2 = self.s3.upload_part(Bucket=self.bucket, Key=key, UploadId=uid, PartNumber=2, Body=b"b" * 10)["ETag"]
        self.assert_client_error(lambda: self.s3.complete_multipart_upload(
            Bucket=self.bucket, Key=key, UploadId=uid,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]}),
            "EntityTooSmall", 400)
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=uid)


class Boto3Listing(BucketTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keys = ["top1", "top2"]
        for d in ("a", "b", "c", "d", "e"):
            for i in range(3):
                cls.keys.append(f"{d}/{i}")
        cls.keys.append("e/deep/x")
        for k in cls.keys:
            cls.s3.put_object(Bucket=cls.bucket, Key=k, Body=k.encode())

    def test_delimiter_paginated_without_repeats(self):
        pages = list(self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Delimiter="/", PaginationConfig={"PageSize": 2}))
        self.assertGreater(len(pages), 2)  # the page size really split the listing
        prefixes = [p["Prefix"] for page in pages for p in page.get("CommonPrefixes", [])]
        contents = [o["Key"] for page in pages for o in page.get("Contents", [])]
        self.assertEqual(prefixes, ["a/", "b/", "c/", "d/", "e/"])  # each once, in order
        self.assertEqual(contents, ["top1", "top2"])
        for page in pages:
            self.assertLessEqual(page["KeyCount"], 2)

    def test_prefix_and_delimiter(self):
        r = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="e/", Delimiter="/")
        self.assertEqual([o["Key"] for o in r["Contents"]], ["e/0", "e/1", "e/2"])
        self.assertEqual([p["Prefix"] for p in r["CommonPrefixes"]], ["e/deep/"])

    def test_full_listing_paginated(self):
        keys = [o["Key"] for page in self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, PaginationConfig={"PageSize": 4}) for o in page.get("Contents", [])]
        self.assertEqual(keys, sorted(self.keys))

    def test_list_objects_v1_marker_pagination(self):
        keys = [o["Key"] for page in self.s3.get_paginator("list_objects").paginate(
            Bucket=self.bucket, PaginationConfig={"PageSize": 5}) for o in page.get("Contents", [])]
        self.assertEqual(keys, sorted(self.keys))


class Boto3CopyDelete(BucketTestCase):

    def test_copy_object(self):
        src = self.key("-src")
        dst = self.key("-dst")
        self.s3.put_object(Bucket=self.bucket, Key=src, Body=DATA, Metadata={"m": "1"})
        r = self.s3.copy_object(Bucket=self.bucket, Key=dst, CopySource={"Bucket": self.bucket, "Key": src})
        self.assertIn("ETag", r["CopyObjectResult"])
        got = self.s3.get_object(Bucket=self.bucket, Key=dst)
        self.assertEqual(got["Body"].read(), DATA)
        self.assertEqual(got["Metadata"], {"m": "1"})  # COPY directive by default

    def test_copy_object_replace_metadata_and_cross_bucket(self):
        other = self.bucket + "-b"
        self.s3.create_bucket(Bucket=other)
        try:
            src = self.key("/src with space+plus")
            self.s3.put_object(Bucket=self.bucket, Key=src, Body=DATA, Metadata={"m": "1"})
            self.s3.copy_object(Bucket=other, Key="dst", CopySource={"Bucket": self.bucket, "Key": src},
                                MetadataDirective="REPLACE", Metadata={"n": "2"})
            got = self.s3.get_object(Bucket=other, Key="dst")
            self.assertEqual(got["Body"].read(), DATA)
            self.assertEqual(got["Metadata"], {"n": "2"})
        finally:
            from compat import empty_and_delete
            empty_and_delete(self.s3, other)

    def test_copy_missing_source_is_no_such_key(self):
        self.assert_client_error(lambda: self.s3.copy_object(
            Bucket=self.bucket, Key="x", CopySource={"Bucket": self.bucket, "Key": "missing"}), "NoSuchKey", 404)

    def test_delete_objects(self):
        keys = [self.key(f"/{i}") for i in range(3)]
        for k in keys:
            self.s3.put_object(Bucket=self.bucket, Key=k, Body=b"x")
        r = self.s3.delete_objects(Bucket=self.bucket, Delete={
            "Objects": [{"Key": k} for k in keys + [self.key("/never-existed")]]})
        self.assertEqual(sorted(d["Key"] for d in r["Deleted"]), sorted(keys + [self.key("/never-existed")]))
        self.assertEqual(r.get("Errors", []), [])
        left = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.key("/"))
        self.assertEqual(left["KeyCount"], 0)

    def test_delete_objects_quiet(self):
        k = self.key()
        self.s3.put_object(Bucket=self.bucket, Key=k, Body=b"x")
        r = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": k}], "Quiet": True})
        self.assertEqual(r.get("Deleted", []), [])
        self.assert_absent(k)

    def test_delete_object_idempotent(self):
        k = self.key()
        self.s3.put_object(Bucket=self.bucket, Key=k, Body=b"x")
        self.assertEqual(self.s3.delete_object(Bucket=self.bucket, Key=k)["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(self.s3.delete_object(Bucket=self.bucket, Key=k)["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assert_absent(k)


if __name__ == "__main__":
    unittest.main()
