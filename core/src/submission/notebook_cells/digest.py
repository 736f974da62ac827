# The result's digest, recomputed with the standard library: SHA-256 of the
# canonical JSON (above) of the document without reproducibility.digest.


def section_digests(result):
    copy = json.loads(json.dumps(result))
    copy["reproducibility"].pop("digest", None)
    return {key: hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest() for key, value in copy.items()}


def check_digest(result):
    recorded = result["reproducibility"]["digest"]
    computed = digest_without(result, ["reproducibility", "digest"])
    if computed != recorded:
        changed = [key for key, digest in section_digests(result).items() if SECTION_DIGESTS.get(key) != digest]
        raise AssertionError(
            f"reproducibility.digest: the embedded result hashes to {computed}, not to its recorded {recorded}; "
            f"changed since export: {', '.join(changed) or 'the digest itself'}"
        )
    CHECKED.append("reproducibility.digest")
    print(f"Digest verified: {computed} ({len(CHECKED)} fields checked in all).")


check_digest(RESULT)
