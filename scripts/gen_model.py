"""Write sesspec/data/ses-2010-12-01.json, the compact SES model, from botocore's service-2.json
(and, with ``--service sesv2``, sesspec/data/sesv2-2019-09-27.json, SES v2's).

Usage::

    python scripts/gen_model.py                      # from the installed botocore
    python scripts/gen_model.py --service sesv2      # SES v2 (2019-09-27), likewise
    python scripts/gen_model.py path/to/service-2.json [--botocore-version 1.43.67]
    python scripts/gen_model.py ... --output FILE    # elsewhere (the tests use this)

The output is botocore's JSON model format (so :func:`sesspec.model.load_model` reads it as it
reads the original) with the documentation and every other key that does not change the wire
dropped. Shapes and operations are sorted by name; structure members keep the model's order,
which is the order in which awsQuery serializers emit them. ``_source`` records where it came
from: the botocore version and the sha256 of the source file.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

SERVICE, API_VERSION = "ses", "2010-12-01"
DATA = Path(__file__).resolve().parent.parent / "sesspec" / "data"
DEFAULT_OUTPUT = DATA / "ses-2010-12-01.json"
#: The services whose compact model sesspec ships: botocore's folder name -> its API version.
SERVICES = {"ses": "2010-12-01", "sesv2": "2019-09-27"}

# Keys kept; everything else (documentation, deprecated, box, examples...) does not reach the wire.
METADATA_KEYS = (
    "apiVersion",
    "auth",
    "endpointPrefix",
    "protocol",
    "protocols",
    "serviceId",
    "signatureVersion",
    "signingName",
    "uid",
    "xmlNamespace",
)
SHAPE_KEYS = (
    "type",
    "required",
    "member",
    "key",
    "value",
    "flattened",
    "locationName",
    "enum",
    "min",
    "max",
    "pattern",
    "timestampFormat",
    "xmlNamespace",
    "error",
    "exception",
    "union",
    "members",
)
REF_KEYS = (
    "shape",
    "locationName",
    "queryName",
    "flattened",
    "timestampFormat",
    "xmlNamespace",
    "xmlAttribute",
    "idempotencyToken",
    "hostLabel",
    "location",
)
ERROR_KEYS = ("code", "httpStatusCode", "senderFault")


def _ref(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: raw[k] for k in REF_KEYS if k in raw}


def compact(model: dict[str, Any], *, source: dict[str, str]) -> dict[str, Any]:
    """The wire-relevant part of a botocore service model, in a stable key order."""
    shapes: dict[str, Any] = {}
    for name in sorted(model["shapes"]):
        raw = model["shapes"][name]
        out: dict[str, Any] = {}
        for key in SHAPE_KEYS:
            if key not in raw:
                continue
            value = raw[key]
            if key in ("member", "key", "value"):
                value = _ref(value)
            elif key == "members":
                value = {m: _ref(spec) for m, spec in value.items()}  # model order kept
            elif key == "error":
                value = {k: value[k] for k in ERROR_KEYS if k in value}
            out[key] = value
        shapes[name] = out
    operations: dict[str, Any] = {}
    for name in sorted(model["operations"]):
        raw = model["operations"][name]
        op: dict[str, Any] = {"name": raw["name"], "http": raw["http"]}
        if "input" in raw:
            op["input"] = {"shape": raw["input"]["shape"]}
        if "output" in raw:
            op["output"] = {
                k: raw["output"][k] for k in ("shape", "resultWrapper") if k in raw["output"]
            }
        if raw.get("errors"):
            op["errors"] = [{"shape": e["shape"]} for e in raw["errors"]]
        operations[name] = op
    return {
        "_source": source,
        "version": model.get("version", "2.0"),
        "metadata": {k: model["metadata"][k] for k in METADATA_KEYS if k in model["metadata"]},
        "operations": operations,
        "shapes": shapes,
    }


def render(data: dict[str, Any]) -> str:
    """JSON text with one operation or shape per line: small, and diffs stay readable."""
    lines = ["{"]
    head = [k for k in data if k not in ("operations", "shapes")]
    for key in head:
        lines.append(f" {json.dumps(key)}: {json.dumps(data[key], ensure_ascii=False)},")
    for section in ("operations", "shapes"):
        lines.append(f' "{section}": {{')
        entries = list(data[section].items())
        for i, (name, value) in enumerate(entries):
            comma = "," if i < len(entries) - 1 else ""
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            lines.append(f"  {json.dumps(name)}: {text}{comma}")
        lines.append(" }," if section == "operations" else " }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def installed_botocore_model(service: str = SERVICE) -> tuple[bytes, str]:
    """The raw bytes of the installed botocore's model of ``service`` (plain or gzipped) and
    its version."""
    import botocore

    folder = Path(botocore.__file__).parent / "data" / service / SERVICES[service]
    plain, packed = folder / "service-2.json", folder / "service-2.json.gz"
    raw = plain.read_bytes() if plain.exists() else gzip.decompress(packed.read_bytes())
    return raw, str(botocore.__version__)


def build(raw: bytes, *, botocore_version: str, service: str = SERVICE) -> str:
    source = {
        "botocore_version": botocore_version,
        "file": f"botocore/data/{service}/{SERVICES[service]}/service-2.json",
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    return render(compact(json.loads(raw), source=source))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", type=Path, help="service-2.json (default: botocore's)")
    parser.add_argument("--botocore-version", default=None, help="recorded with a path argument")
    parser.add_argument("--service", choices=sorted(SERVICES), default=SERVICE)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    service = args.service
    output = args.output or DATA / f"{service}-{SERVICES[service]}.json"
    if args.model is None:
        raw, version = installed_botocore_model(service)
    else:
        raw, version = args.model.read_bytes(), args.botocore_version or "unknown"
    output.write_text(build(raw, botocore_version=version, service=service), encoding="utf-8")
    print(f"wrote {output} from botocore {version}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
