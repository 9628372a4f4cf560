"""Make the emulated AWS of the integration tests answer faster without changing what it
answers. Each patch is idempotent; `install()` applies them all (tests/integration/conftest.py
does, for every test's fresh moto account).

1. moto 5.2.5 serialises every response by walking botocore's shape model: each attribute
   of each item returned is an `AttributeValue` structure of ten members (S, N, B, SS, NS,
   BS, M, L, NULL, BOOL), and for each member moto tries several alias spellings before
   finding it absent. A Query returning 1,000 items of 15 attributes makes about 150,000
   such look-ups: most of tests/integration/test_reports_scale.py's time. The values moto
   hands the serialiser are already in DynamoDB's wire form ({"S": "x"}, binaries as
   bytes); `serialize_attribute_values_directly` writes that form directly, as moto's own
   walk would (binaries base64, maps and lists recursively); anything not exactly one
   known type key goes the generic way. tests/integration/test_moto_speed.py compares both
   walks on generated values, so a moto upgrade that changes the form fails there.
2. moto signs Cognito tokens with one RSA key, the same file for every user pool, and
   imports it (recovering its primes: ~50 ms) for each pool it creates, i.e. for each test.
   `import_the_pool_key_once` keeps the imported key: same key, same signatures.
3. moto checks DynamoDB's 400 KB item limit by summing the whole item again for each
   attribute it sets: building an item of n attributes costs n² size sums (~40 % of
   tests/integration/test_nightly_reads.py's profiled run). `check_item_size_in_one_pass`
   builds a new item with a running sum: the same refusal (ItemSizeTooLarge) at the same
   attribute, compared with moto's on generated items in tests/integration/test_moto_speed.py.
4. Every boto3 session parses botocore's service models (JSON files of up to 1 MB) again;
   local.infra.create opens one per test. `share_botocore_data` parses each file once per
   process (sessions already share what one session parsed among its clients).
"""

from __future__ import annotations

import base64
import functools
import json
from typing import Any

_SERVICES = frozenset({"dynamodb", "dynamodbstreams"})
_SCALARS = frozenset({"S", "N"})
_STRING_SETS = frozenset({"SS", "NS"})
_FLAGS = frozenset({"NULL", "BOOL"})


class _NotWireForm(Exception):
    """A value the direct path does not know: the generic walk serialises it."""


def _blob(value: Any) -> str:
    # As moto's ResponseSerializer._base64: text is encoded first.
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return base64.b64encode(raw).strip().decode("utf-8")


def _string(value: Any) -> Any:
    # As moto's BaseJSONSerializer._serialize_type_string.
    return str(value) if value not in [None, {}, []] else value


def wire(value: Any) -> dict[str, Any]:
    """One AttributeValue in DynamoDB's JSON form; _NotWireForm if it is not exactly one
    known type key with a value of the expected kind."""
    if not isinstance(value, dict) or len(value) != 1:
        raise _NotWireForm
    ((kind, inner),) = value.items()
    if inner is None:
        raise _NotWireForm
    if kind in _SCALARS:
        return {kind: _string(inner)}
    if kind == "M" and isinstance(inner, dict):
        return {"M": {key: wire(member) for key, member in inner.items()}}
    if kind == "L" and isinstance(inner, list):
        return {"L": [wire(member) for member in inner]}
    if kind in _STRING_SETS and isinstance(inner, list):
        return {kind: [_string(member) for member in inner]}
    if kind == "B":
        return {"B": _blob(inner)}
    if kind == "BS" and isinstance(inner, list):
        return {"BS": [_blob(member) for member in inner]}
    if kind in _FLAGS:
        return {kind: inner}
    raise _NotWireForm


def direct(generic: Any) -> Any:
    """moto's `_serialize_type_structure` (`generic`) with the direct path for DynamoDB's
    AttributeValue in front; every other shape and service goes to `generic`."""

    def _serialize_type_structure(
        self: Any, serialized: Any, value: Any, shape: Any, key: str
    ) -> None:
        if key and shape.name == "AttributeValue" and self.service_model.service_name in _SERVICES:
            try:
                serialized[self.get_serialized_name(shape, key)] = wire(value)
                return
            except _NotWireForm:
                pass
        generic(self, serialized, value, shape, key)

    functools.update_wrapper(_serialize_type_structure, generic)
    _serialize_type_structure._momentum_direct = True  # type: ignore[attr-defined]
    _serialize_type_structure._momentum_generic = generic  # type: ignore[attr-defined]
    return _serialize_type_structure


def serialize_attribute_values_directly() -> None:
    """Install the direct path on moto's JSON serialiser (idempotent)."""
    from moto.core.serialize import BaseJSONSerializer

    if getattr(BaseJSONSerializer._serialize_type_structure, "_momentum_direct", False):
        return
    BaseJSONSerializer._serialize_type_structure = direct(  # type: ignore[method-assign]
        BaseJSONSerializer._serialize_type_structure
    )


def generic_serialize_type_structure() -> Any:
    """moto's own walk, installed or not (for the test that compares both)."""
    from moto.core.serialize import BaseJSONSerializer

    method = BaseJSONSerializer._serialize_type_structure
    return getattr(method, "_momentum_generic", method)


# -- The item size limit -------------------------------------------------------------------------


def check_item_size_in_one_pass() -> None:
    """moto's Item.__init__ with the size check of LimitedSizeDict.__setitem__ kept as a
    running sum: each attribute refused exactly where moto would refuse it (moto's sum
    over the attributes set so far, plus the new one, over its limit)."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    original = Item.__init__
    if getattr(original, "_momentum_one_pass", False):
        return

    def one_pass_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
        self.hash_key = hash_key
        self.range_key = range_key
        self.attrs = LimitedSizeDict()
        total = 0  # moto's current_item_size, kept instead of summed again (keys unique)
        for key, value in attrs.items():
            typed = DynamoType(value)
            added = bytesize(str(key)) + typed.size()
            if total + added > ITEM_SIZE_LIMIT:
                raise ItemSizeTooLarge
            dict.__setitem__(self.attrs, key, typed)
            total += added

    functools.update_wrapper(one_pass_init, original)
    one_pass_init._momentum_one_pass = True  # type: ignore[attr-defined]
    one_pass_init._momentum_generic = original  # type: ignore[attr-defined]
    Item.__init__ = one_pass_init  # type: ignore[method-assign]


ITEM_SIZE_LIMIT = 405_000  # moto's (LimitedSizeDict.__setitem__): between 400 and 410 KB


# -- Cognito's signing key ---------------------------------------------------------------------


def import_the_pool_key_once() -> None:
    """moto.cognitoidp imports its one private key (a packaged file) per user pool: keep the
    imported key for the same key data."""
    from joserfc import jwk
    from moto.cognitoidp import models

    if isinstance(models.jwk, _KeptKeys):  # type: ignore[attr-defined]
        return
    models.jwk = _KeptKeys(jwk)  # type: ignore[attr-defined,assignment]


class _KeptKeys:
    """joserfc.jwk as moto.cognitoidp.models uses it, with RSAKey.import_key remembered."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self.RSAKey = _KeptRsaKey(module.RSAKey)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


class _KeptRsaKey:
    def __init__(self, cls: Any) -> None:
        self._cls = cls
        self._kept: dict[str, Any] = {}

    def import_key(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(data, dict):
            return self._cls.import_key(data, *args, **kwargs)
        text = json.dumps(data, sort_keys=True)
        if text not in self._kept:
            self._kept[text] = self._cls.import_key(data)
        return self._kept[text]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cls, name)


# -- botocore's data files -----------------------------------------------------------------------


def share_botocore_data() -> None:
    """Each of botocore's data files is parsed once per process, whichever session asks
    (its own cache is per session, and each test opens new ones)."""
    from botocore.loaders import JSONFileLoader

    original = JSONFileLoader.load_file
    if getattr(original, "_momentum_shared", False):
        return
    parsed: dict[str, Any] = {}

    def load_file(self: Any, file_path: str) -> Any:
        if file_path not in parsed:
            parsed[file_path] = original(self, file_path)
        return parsed[file_path]

    functools.update_wrapper(load_file, original)
    load_file._momentum_shared = True  # type: ignore[attr-defined]
    JSONFileLoader.load_file = load_file  # type: ignore[method-assign]


def install() -> None:
    serialize_attribute_values_directly()
    check_item_size_in_one_pass()
    import_the_pool_key_once()
    share_botocore_data()
