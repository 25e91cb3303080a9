"""The sample retail warehouse: PostgreSQL database `retail`, dbt layers raw -> staging -> marts.

The catalog is written as data: each dataset lists its columns, and each
derived column lists the columns it was computed from, with the kind of
transformation and the SQL behind it. `retail_catalog` turns that into the
records of graph.records (dataset lineage follows from the column lineage, so
the two cannot disagree), and `sample_changeset` puts them into one named graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graph import vocab as v
from graph.changeset import ChangeSet
from graph.iris import IriMinter
from graph.records import (
    Column,
    ColumnLineage,
    Concept,
    Dataset,
    DatasetLineage,
    Owner,
    Ownership,
    Policy,
    PolicyRule,
    Triple,
)

PLATFORM = "postgres"
DATABASE = "retail"
SOURCE = "sample-retail"  # the named graph is iris.source_graph(SOURCE)
GLOSSARY = "retail"
ACTOR = "datagraph demo"
REASON = "load the bundled sample retail catalog"


@dataclass(frozen=True)
class SampleCatalog:
    """The records of a sample catalog, ready to be turned into triples."""

    datasets: list[Dataset]
    dataset_lineage: list[DatasetLineage]
    column_lineage: list[ColumnLineage]
    concepts: list[Concept]
    policies: list[Policy]

    def triples(self, iris: IriMinter) -> Iterator[Triple]:
        for group in (self.datasets, self.dataset_lineage, self.column_lineage, self.concepts, self.policies):
            for record in group:
                yield from record.to_triples(iris)


def sample_changeset(iris: IriMinter) -> ChangeSet:
    """The whole sample catalog as the content of its own named graph (loading it twice changes nothing)."""
    catalog = retail_catalog(iris)
    return ChangeSet(ACTOR, REASON).replace_graph(iris.source_graph(SOURCE), catalog.triples(iris))


def retail_catalog(iris: IriMinter) -> SampleCatalog:
    """The sample retail warehouse as records; raises ValueError if a lineage source names no column."""
    specs = {f"{d.schema}.{d.name}": d for d in _DATASETS}
    datasets = {key: _dataset(spec) for key, spec in specs.items()}

    def column_iri(ref: str):
        key, _, column = ref.rpartition(".")
        spec = specs.get(key)
        if spec is None or column not in {c.name for c in spec.columns}:
            raise ValueError(f"sample lineage source {ref!r} is not a column of the sample catalog")
        return datasets[key].column_iri(iris, column)

    column_lineage: list[ColumnLineage] = []
    dataset_lineage: list[DatasetLineage] = []
    for key, spec in specs.items():
        job = iris.job("dbt", spec.name)
        upstream_datasets: dict[str, None] = {}
        for column in spec.columns:
            for source in column.sources:
                upstream_datasets[source.column.rpartition(".")[0]] = None
                column_lineage.append(
                    ColumnLineage(
                        downstream=datasets[key].column_iri(iris, column.name),
                        upstream=column_iri(source.column),
                        kind=source.kind,
                        expression=source.expression,
                        job=job,
                    )
                )
        dataset_lineage += [
            DatasetLineage(datasets[key].iri(iris), datasets[up].iri(iris), job) for up in upstream_datasets
        ]
    return SampleCatalog(
        datasets=list(datasets.values()),
        dataset_lineage=dataset_lineage,
        column_lineage=column_lineage,
        concepts=list(_CONCEPTS),
        policies=[_personal_data_policy()],
    )


# --- how the catalog is written down ------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    column: str  # "schema.table.column" in the retail database
    kind: str  # a key of vocab.TRANSFORMATION_KINDS
    expression: str | None = None


@dataclass(frozen=True)
class _ColumnSpec:
    name: str
    native_type: str
    description: str
    nullable: bool
    personal_data: tuple[str, ...]
    tags: tuple[str, ...]
    sources: tuple[_Source, ...]


@dataclass(frozen=True)
class _DatasetSpec:
    schema: str
    name: str
    kind: str
    description: str
    owners: tuple[Ownership, ...]
    tags: tuple[str, ...]
    columns: tuple[_ColumnSpec, ...]


def _col(
    name: str,
    native_type: str,
    description: str,
    *sources: _Source,
    null: bool = False,
    pd: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
) -> _ColumnSpec:
    return _ColumnSpec(name, native_type, description, null, pd, tags, sources)


def _copy(ref: str) -> _Source:
    return _Source(ref, "copy")


def _expr(ref: str, sql: str) -> _Source:
    return _Source(ref, "expression", sql)


def _agg(ref: str, sql: str) -> _Source:
    return _Source(ref, "aggregation", sql)


def _hashed(ref: str, sql: str) -> _Source:
    return _Source(ref, "hash", sql)


def _filtered(ref: str, sql: str) -> _Source:
    return _Source(ref, "filter", sql)


def _joined(ref: str, sql: str) -> _Source:
    return _Source(ref, "join_key", sql)


def _window(ref: str, sql: str) -> _Source:
    return _Source(ref, "window", sql)


def _conditional(ref: str, sql: str) -> _Source:
    return _Source(ref, "conditional", sql)


_XSD_OF_NATIVE = {
    "bigint": "long",
    "integer": "integer",
    "numeric": "decimal",
    "varchar": "string",
    "char": "string",
    "text": "string",
    "uuid": "string",
    "inet": "string",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "dateTime",
    "timestamptz": "dateTime",
}


def _dataset(spec: _DatasetSpec) -> Dataset:
    columns = tuple(
        Column(
            name=c.name,
            datatype=_XSD_OF_NATIVE[c.native_type.split("(")[0]],
            native_type=c.native_type,
            nullable=c.nullable,
            ordinal=i,
            description=c.description,
            personal_data=c.personal_data,
            # "pii" follows the classification, so the tag and the category never disagree.
            tags=(("pii",) if c.personal_data else ()) + c.tags,
        )
        for i, c in enumerate(spec.columns, start=1)
    )
    has_pii = any(c.personal_data for c in spec.columns)
    return Dataset(
        platform=PLATFORM,
        path=(DATABASE, spec.schema, spec.name),
        kind=spec.kind,
        description=spec.description,
        columns=columns,
        owners=spec.owners,
        tags=spec.tags + (("pii",) if has_pii else ()),
    )


# --- who owns what ------------------------------------------------------------------------------

_PLATFORM_TEAM = Owner("data-platform", "team", "Data Platform", "data-platform@retail.example")
_ANALYTICS_TEAM = Owner("analytics-engineering", "team", "Analytics Engineering", "analytics@retail.example")
_MERCHANDISING = Owner("merchandising", "team", "Merchandising", "merch@retail.example")
_STORE_OPS = Owner("store-operations", "team", "Store Operations", "store-ops@retail.example")
_MAYA = Owner("maya.chen", "person", "Maya Chen", "maya.chen@retail.example")  # analytics engineer
_DANIEL = Owner("daniel.okafor", "person", "Daniel Okafor", "daniel.okafor@retail.example")  # finance
_AMARA = Owner("amara.nwosu", "person", "Amara Nwosu", "amara.nwosu@retail.example")  # CRM marketing
_SOFIA = Owner("sofia.lindqvist", "person", "Sofia Lindqvist", "sofia.lindqvist@retail.example")  # privacy

_RAW_OWNERS = (Ownership(_PLATFORM_TEAM, "technical"),)
_RAW_PII_OWNERS = (*_RAW_OWNERS, Ownership(_SOFIA, "steward"))
_STAGING_OWNERS = (Ownership(_ANALYTICS_TEAM, "technical"),)
_STAGING_PII_OWNERS = (*_STAGING_OWNERS, Ownership(_SOFIA, "steward"))
_FINANCE_MART_OWNERS = (Ownership(_MAYA, "technical"), Ownership(_DANIEL, "business"))
_CUSTOMER_MART_OWNERS = (Ownership(_MAYA, "technical"), Ownership(_AMARA, "business"))


def _raw(name: str, description: str, *columns: _ColumnSpec, tags: tuple[str, ...] = ()) -> _DatasetSpec:
    owners = _RAW_PII_OWNERS if any(c.personal_data for c in columns) else _RAW_OWNERS
    return _DatasetSpec("raw", name, "table", description, owners, ("raw", *tags), columns)


def _staging(name: str, description: str, *columns: _ColumnSpec) -> _DatasetSpec:
    owners = _STAGING_PII_OWNERS if any(c.personal_data for c in columns) else _STAGING_OWNERS
    return _DatasetSpec("staging", name, "dbt_model", description, owners, ("staging",), columns)


def _mart(
    name: str, description: str, owners: tuple[Ownership, ...], tags: tuple[str, ...], *columns: _ColumnSpec
) -> _DatasetSpec:
    if any(c.personal_data for c in columns):
        owners = (*owners, Ownership(_SOFIA, "steward"))
    return _DatasetSpec("marts", name, "dbt_model", description, owners, ("gold", *tags), columns)


# --- raw: replicated from the source systems, untouched -----------------------------------------

_RAW_CUSTOMERS = _raw(
    "customers",
    "Customer accounts replicated nightly from the web shop's database: one row per account, updated in place.",
    _col("customer_id", "bigint", "Key of the customer account in the shop database."),
    _col("first_name", "varchar(100)", "Given name as typed at sign-up.", pd=("Name",)),
    _col("last_name", "varchar(100)", "Family name as typed at sign-up.", pd=("Name",)),
    _col(
        "email",
        "varchar(255)",
        "Login and contact e-mail address as typed: may have upper case and surrounding spaces.",
        pd=("EmailAddress",),
    ),
    _col(
        "phone", "varchar(32)", "Contact telephone number, free format.", null=True, pd=("TelephoneNumber",)
    ),
    _col(
        "date_of_birth",
        "date",
        "Date of birth, asked for age checks on restricted products.",
        null=True,
        pd=("BirthDate",),
    ),
    _col(
        "street_address",
        "varchar(255)",
        "Street and house number of the default shipping address.",
        null=True,
        pd=("PhysicalAddress",),
    ),
    _col("city", "varchar(100)", "City of the default shipping address.", null=True, pd=("City",)),
    _col(
        "postal_code",
        "varchar(16)",
        "Postal code of the default shipping address.",
        null=True,
        pd=("PostalCode",),
    ),
    _col(
        "country_code",
        "char(2)",
        "ISO 3166-1 alpha-2 country of the default shipping address, in any case.",
        null=True,
        pd=("Country",),
    ),
    _col("marketing_opt_in", "boolean", "Whether the customer agreed to receive marketing e-mail."),
    _col("created_at", "timestamp", "When the account was created (UTC)."),
    _col("updated_at", "timestamp", "When any field of the account last changed (UTC)."),
)

_RAW_ORDERS = _raw(
    "orders",
    "Orders placed on the web shop and at store tills, from the order management system: one row per order.",
    _col("order_id", "bigint", "Key of the order in the order management system."),
    _col(
        "customer_id",
        "bigint",
        "Customer who placed the order; empty for anonymous till purchases.",
        null=True,
    ),
    _col("store_id", "integer", "Store of a till purchase; empty for web orders.", null=True),
    _col("channel", "varchar(16)", "Where the order was placed: 'web' or 'store'."),
    _col("status", "varchar(20)", "Fulfilment status: placed, shipped, delivered, returned or cancelled."),
    _col("ordered_at", "timestamptz", "When the order was placed."),
    _col("currency", "char(3)", "ISO 4217 currency of every amount on the order."),
    _col("discount_code", "varchar(32)", "Voucher code redeemed on the order, if any.", null=True),
    _col(
        "shipping_postal_code",
        "varchar(16)",
        "Postal code the order ships to; empty for store pickup.",
        null=True,
        pd=("PostalCode",),
    ),
    _col("is_test_order", "boolean", "True for orders QA placed against production; excluded downstream."),
    _col("_loaded_at", "timestamp", "When the replication job loaded the row."),
)

_RAW_ORDER_ITEMS = _raw(
    "order_items",
    "Order lines: one row per product on an order, amounts in cents.",
    _col("order_item_id", "bigint", "Key of the order line."),
    _col("order_id", "bigint", "Order the line belongs to."),
    _col("product_id", "bigint", "Product ordered."),
    _col("quantity", "integer", "Units ordered."),
    _col("unit_price_cents", "integer", "Price of one unit when ordered, in cents, tax included."),
    _col("discount_cents", "integer", "Discount on the whole line, in cents."),
    _col("tax_cents", "integer", "VAT included in the line, in cents."),
    tags=("finance",),
)

_RAW_PRODUCTS = _raw(
    "products",
    "The product catalogue from the product information system: one row per product ever sold.",
    _col("product_id", "bigint", "Key of the product."),
    _col("sku", "varchar(32)", "Stock-keeping unit code printed on the label."),
    _col("name", "varchar(200)", "Product name shown in the shop."),
    _col("category", "varchar(100)", "Merchandising category path, e.g. 'Outdoor > Tents', mixed case."),
    _col("brand", "varchar(100)", "Brand name; empty for own-label products.", null=True),
    _col("unit_cost_cents", "integer", "Purchase cost of one unit from the supplier, in cents."),
    _col("list_price_cents", "integer", "Current shelf price of one unit, in cents, tax included."),
    _col("is_active", "boolean", "False once the product is delisted."),
    _col("created_at", "timestamp", "When the product was added to the catalogue."),
)

_RAW_STORES = _raw(
    "stores",
    "Physical stores from the store operations spreadsheet, synced weekly: one row per store.",
    _col("store_id", "integer", "Key of the store, printed on receipts."),
    _col("name", "varchar(100)", "Store name, usually the town and the street."),
    _col("street_address", "varchar(255)", "The store's street address (a business address)."),
    _col("city", "varchar(100)", "City the store is in."),
    _col("region", "varchar(64)", "Sales region the store reports to."),
    _col("country_code", "char(2)", "ISO 3166-1 alpha-2 country of the store."),
    _col("opened_on", "date", "Day the store opened."),
    _col("closed_on", "date", "Day the store closed; empty while it trades.", null=True),
    _col("floor_area_m2", "integer", "Sales floor area in square metres.", null=True),
)

_RAW_PAYMENTS = _raw(
    "payments",
    "Payment attempts from the payment service provider: one row per attempt; retries and split payments "
    "give an order several.",
    _col("payment_id", "varchar(64)", "Transaction id at the payment service provider."),
    _col("order_id", "bigint", "Order the payment is for."),
    _col("method", "varchar(20)", "card, paypal, gift_card or cash."),
    _col("amount_cents", "integer", "Amount of the attempt, in cents."),
    _col("currency", "char(3)", "ISO 4217 currency of the amount."),
    _col(
        "card_last4",
        "char(4)",
        "Last four digits of the card; empty for other methods.",
        null=True,
        pd=("PaymentCardNumber",),
    ),
    _col("status", "varchar(20)", "succeeded, failed or refunded."),
    _col("created_at", "timestamptz", "When the attempt was made."),
    tags=("finance",),
)

_RAW_WEB_EVENTS = _raw(
    "web_events",
    "Clickstream events from the web shop's tracker: one row per page view, cart change or checkout step.",
    _col("event_id", "uuid", "Key of the event, set by the tracker."),
    _col("session_id", "varchar(64)", "Browsing session; a new one starts after 30 minutes idle."),
    _col("customer_id", "bigint", "Logged-in customer; empty for anonymous visitors.", null=True),
    _col("anonymous_id", "varchar(64)", "First-party cookie id of the browser.", pd=("Identifier",)),
    _col("event_type", "varchar(32)", "page_view, add_to_cart, checkout_started or order_completed."),
    _col(
        "page_url",
        "text",
        "Full URL of the page, query string included (it can carry e-mail addresses from newsletter links).",
    ),
    _col("referrer", "text", "URL the visitor came from.", null=True),
    _col(
        "ip_address", "inet", "IP address of the visitor's device as the tracker saw it.", pd=("IPAddress",)
    ),
    _col("user_agent", "text", "Browser user-agent string.", pd=("UserAgent",)),
    _col("occurred_at", "timestamptz", "When the event happened, by the tracker's clock."),
    tags=("marketing",),
)

# --- staging: one dbt model per raw table; renamed, typed, cleaned --------------------------------

_STG_CUSTOMERS = _staging(
    "stg_customers",
    "One row per customer: names joined, e-mail normalised for matching, country codes upper-cased.",
    _col("customer_id", "bigint", "Key of the customer.", _copy("raw.customers.customer_id")),
    _col(
        "full_name",
        "varchar(201)",
        "Given and family name.",
        _expr("raw.customers.first_name", "trim(first_name) || ' ' || trim(last_name)"),
        _expr("raw.customers.last_name", "trim(first_name) || ' ' || trim(last_name)"),
        pd=("Name",),
    ),
    _col(
        "email",
        "varchar(255)",
        "E-mail address, lower-cased and trimmed.",
        _expr("raw.customers.email", "lower(trim(email))"),
        pd=("EmailAddress",),
    ),
    _col(
        "phone",
        "varchar(32)",
        "Contact telephone number.",
        _copy("raw.customers.phone"),
        null=True,
        pd=("TelephoneNumber",),
    ),
    _col(
        "date_of_birth",
        "date",
        "Date of birth.",
        _copy("raw.customers.date_of_birth"),
        null=True,
        pd=("BirthDate",),
    ),
    _col(
        "street_address",
        "varchar(255)",
        "Street and house number of the default shipping address.",
        _copy("raw.customers.street_address"),
        null=True,
        pd=("PhysicalAddress",),
    ),
    _col(
        "city",
        "varchar(100)",
        "City of the default shipping address.",
        _copy("raw.customers.city"),
        null=True,
        pd=("City",),
    ),
    _col(
        "postal_code",
        "varchar(16)",
        "Postal code of the default shipping address.",
        _copy("raw.customers.postal_code"),
        null=True,
        pd=("PostalCode",),
    ),
    _col(
        "country_code",
        "char(2)",
        "ISO 3166-1 alpha-2 country, upper case.",
        _expr("raw.customers.country_code", "upper(country_code)"),
        null=True,
        pd=("Country",),
    ),
    _col(
        "is_marketing_opt_in",
        "boolean",
        "Whether the customer agreed to receive marketing e-mail.",
        _copy("raw.customers.marketing_opt_in"),
    ),
    _col("created_at", "timestamp", "When the account was created (UTC).", _copy("raw.customers.created_at")),
)

_STG_ORDERS = _staging(
    "stg_orders",
    "One row per real order (QA test orders removed), timestamps in UTC.",
    _col(
        "order_id",
        "bigint",
        "Key of the order.",
        _copy("raw.orders.order_id"),
        _filtered("raw.orders.is_test_order", "where not is_test_order"),
    ),
    _col("customer_id", "bigint", "Customer who ordered.", _copy("raw.orders.customer_id"), null=True),
    _col("store_id", "integer", "Store of a till purchase.", _copy("raw.orders.store_id"), null=True),
    _col("order_channel", "varchar(16)", "'web' or 'store'.", _copy("raw.orders.channel")),
    _col("order_status", "varchar(20)", "Fulfilment status.", _copy("raw.orders.status")),
    _col(
        "ordered_at",
        "timestamp",
        "When the order was placed (UTC).",
        _expr("raw.orders.ordered_at", "ordered_at at time zone 'UTC'"),
    ),
    _col(
        "order_date",
        "date",
        "Day the order was placed (UTC).",
        _expr("raw.orders.ordered_at", "cast(ordered_at at time zone 'UTC' as date)"),
    ),
    _col("currency", "char(3)", "ISO 4217 currency of the order.", _copy("raw.orders.currency")),
    _col(
        "has_discount",
        "boolean",
        "Whether a voucher was redeemed.",
        _expr("raw.orders.discount_code", "discount_code is not null"),
    ),
)

_STG_ORDER_ITEMS = _staging(
    "stg_order_items",
    "Order lines with amounts converted from cents to currency units.",
    _col("order_item_id", "bigint", "Key of the order line.", _copy("raw.order_items.order_item_id")),
    _col("order_id", "bigint", "Order the line belongs to.", _copy("raw.order_items.order_id")),
    _col("product_id", "bigint", "Product ordered.", _copy("raw.order_items.product_id")),
    _col("quantity", "integer", "Units ordered.", _copy("raw.order_items.quantity")),
    _col(
        "unit_price",
        "numeric(12,2)",
        "Price of one unit, tax included.",
        _expr("raw.order_items.unit_price_cents", "unit_price_cents / 100.0"),
    ),
    _col(
        "discount_amount",
        "numeric(12,2)",
        "Discount on the line.",
        _expr("raw.order_items.discount_cents", "discount_cents / 100.0"),
    ),
    _col(
        "tax_amount",
        "numeric(12,2)",
        "VAT included in the line.",
        _expr("raw.order_items.tax_cents", "tax_cents / 100.0"),
    ),
    _col(
        "line_total",
        "numeric(12,2)",
        "What the customer pays for the line: quantity times unit price, less the discount, tax included.",
        _expr("raw.order_items.quantity", "(quantity * unit_price_cents - discount_cents) / 100.0"),
        _expr("raw.order_items.unit_price_cents", "(quantity * unit_price_cents - discount_cents) / 100.0"),
        _expr("raw.order_items.discount_cents", "(quantity * unit_price_cents - discount_cents) / 100.0"),
    ),
)

_CATEGORY = "split_part(category, ' > ', {})"

_STG_PRODUCTS = _staging(
    "stg_products",
    "Products with prices in currency units and the category path split into category and subcategory.",
    _col("product_id", "bigint", "Key of the product.", _copy("raw.products.product_id")),
    _col("sku", "varchar(32)", "Stock-keeping unit code.", _copy("raw.products.sku")),
    _col("product_name", "varchar(200)", "Product name shown in the shop.", _copy("raw.products.name")),
    _col(
        "category",
        "varchar(64)",
        "Top-level category, lower case.",
        _expr("raw.products.category", f"lower({_CATEGORY.format(1)})"),
    ),
    _col(
        "subcategory",
        "varchar(64)",
        "Second-level category, lower case.",
        _expr("raw.products.category", f"lower({_CATEGORY.format(2)})"),
        null=True,
    ),
    _col("brand", "varchar(100)", "Brand name.", _copy("raw.products.brand"), null=True),
    _col(
        "unit_cost",
        "numeric(12,2)",
        "Purchase cost of one unit.",
        _expr("raw.products.unit_cost_cents", "unit_cost_cents / 100.0"),
    ),
    _col(
        "list_price",
        "numeric(12,2)",
        "Current shelf price of one unit, tax included.",
        _expr("raw.products.list_price_cents", "list_price_cents / 100.0"),
    ),
    _col("is_active", "boolean", "False once the product is delisted.", _copy("raw.products.is_active")),
)

_STG_STORES = _staging(
    "stg_stores",
    "Stores with an is_open flag instead of a closing date.",
    _col("store_id", "integer", "Key of the store.", _copy("raw.stores.store_id")),
    _col("store_name", "varchar(100)", "Store name.", _copy("raw.stores.name")),
    _col("city", "varchar(100)", "City the store is in.", _copy("raw.stores.city")),
    _col("region", "varchar(64)", "Sales region.", _copy("raw.stores.region")),
    _col("country_code", "char(2)", "Country of the store.", _copy("raw.stores.country_code")),
    _col("opened_on", "date", "Day the store opened.", _copy("raw.stores.opened_on")),
    _col(
        "is_open",
        "boolean",
        "Whether the store still trades.",
        _expr("raw.stores.closed_on", "closed_on is null"),
    ),
)

_STG_PAYMENTS = _staging(
    "stg_payments",
    "Payment attempts with amounts in currency units; card digits are not carried over.",
    _col("payment_id", "varchar(64)", "Transaction id at the provider.", _copy("raw.payments.payment_id")),
    _col("order_id", "bigint", "Order the payment is for.", _copy("raw.payments.order_id")),
    _col("payment_method", "varchar(20)", "card, paypal, gift_card or cash.", _copy("raw.payments.method")),
    _col(
        "amount",
        "numeric(12,2)",
        "Amount of the attempt.",
        _expr("raw.payments.amount_cents", "amount_cents / 100.0"),
    ),
    _col("currency", "char(3)", "ISO 4217 currency of the amount.", _copy("raw.payments.currency")),
    _col("payment_status", "varchar(20)", "succeeded, failed or refunded.", _copy("raw.payments.status")),
    _col(
        "paid_at",
        "timestamp",
        "When the attempt was made (UTC).",
        _expr("raw.payments.created_at", "created_at at time zone 'UTC'"),
    ),
)

_STG_WEB_EVENTS = _staging(
    "stg_web_events",
    "Tracker events with the page path parsed out of the URL; query strings, which can carry e-mail "
    "addresses, are dropped.",
    _col("event_id", "uuid", "Key of the event.", _copy("raw.web_events.event_id")),
    _col("session_id", "varchar(64)", "Browsing session.", _copy("raw.web_events.session_id")),
    _col("customer_id", "bigint", "Logged-in customer.", _copy("raw.web_events.customer_id"), null=True),
    _col(
        "anonymous_id",
        "varchar(64)",
        "First-party cookie id of the browser.",
        _copy("raw.web_events.anonymous_id"),
        pd=("Identifier",),
    ),
    _col("event_type", "varchar(32)", "Kind of event.", _copy("raw.web_events.event_type")),
    _col(
        "page_path",
        "text",
        "Path of the page, without host, query string or fragment.",
        _expr("raw.web_events.page_url", "regexp_replace(page_url, '^https?://[^/]+|[?#].*$', '', 'g')"),
    ),
    _col(
        "ip_address",
        "inet",
        "IP address of the visitor's device.",
        _copy("raw.web_events.ip_address"),
        pd=("IPAddress",),
    ),
    _col(
        "user_agent",
        "text",
        "Browser user-agent string.",
        _copy("raw.web_events.user_agent"),
        pd=("UserAgent",),
    ),
    _col(
        "occurred_at",
        "timestamp",
        "When the event happened (UTC).",
        _expr("raw.web_events.occurred_at", "occurred_at at time zone 'UTC'"),
    ),
)

# --- marts: what analysts, finance and marketing read ------------------------------------------

_DIM_CUSTOMERS = _mart(
    "dim_customers",
    "The customer dimension: one row per customer with contact details, an age band instead of the birth "
    "date, and order history.",
    _CUSTOMER_MART_OWNERS,
    ("marketing",),
    _col(
        "customer_id",
        "bigint",
        "Key of the customer.",
        _copy("staging.stg_customers.customer_id"),
        _joined("staging.stg_orders.customer_id", "left join stg_orders using (customer_id)"),
    ),
    _col(
        "full_name",
        "varchar(201)",
        "Given and family name.",
        _copy("staging.stg_customers.full_name"),
        pd=("Name",),
    ),
    _col(
        "email",
        "varchar(255)",
        "E-mail address, normalised.",
        _copy("staging.stg_customers.email"),
        pd=("EmailAddress",),
    ),
    _col(
        "email_hash",
        "char(64)",
        "SHA-256 of the normalised e-mail address: matches marketing audiences without revealing the address.",
        _hashed("staging.stg_customers.email", "encode(sha256(convert_to(email, 'UTF8')), 'hex')"),
        tags=("pseudonymised",),
    ),
    _col(
        "phone",
        "varchar(32)",
        "Contact telephone number.",
        _copy("staging.stg_customers.phone"),
        null=True,
        pd=("TelephoneNumber",),
    ),
    _col(
        "city",
        "varchar(100)",
        "City of the default shipping address.",
        _copy("staging.stg_customers.city"),
        null=True,
        pd=("City",),
    ),
    _col(
        "postal_code",
        "varchar(16)",
        "Postal code of the default shipping address.",
        _copy("staging.stg_customers.postal_code"),
        null=True,
        pd=("PostalCode",),
    ),
    _col(
        "country_code",
        "char(2)",
        "Country of the default shipping address.",
        _copy("staging.stg_customers.country_code"),
        null=True,
        pd=("Country",),
    ),
    _col(
        "age_band",
        "varchar(8)",
        "Age in decades, e.g. '30s'; the birth date itself stays in staging.",
        _expr(
            "staging.stg_customers.date_of_birth",
            "(floor(date_part('year', age(date_of_birth)) / 10) * 10)::int || 's'",
        ),
        null=True,
        pd=("AgeRange",),
    ),
    _col(
        "is_marketing_opt_in",
        "boolean",
        "Whether the customer may receive marketing e-mail.",
        _copy("staging.stg_customers.is_marketing_opt_in"),
    ),
    _col(
        "first_order_date",
        "date",
        "Day of the customer's first order.",
        _agg("staging.stg_orders.order_date", "min(order_date)"),
        null=True,
    ),
    _col(
        "most_recent_order_date",
        "date",
        "Day of the customer's latest order.",
        _agg("staging.stg_orders.order_date", "max(order_date)"),
        null=True,
    ),
    _col(
        "number_of_orders",
        "integer",
        "How many orders the customer has placed.",
        _agg("staging.stg_orders.order_id", "count(order_id)"),
    ),
)

_NOT_CANCELLED = "where order_status <> 'cancelled'"

_FCT_ORDERS = _mart(
    "fct_orders",
    "One row per order that was not cancelled, with item, discount, tax and payment totals.",
    _FINANCE_MART_OWNERS,
    ("finance",),
    _col(
        "order_id",
        "bigint",
        "Key of the order.",
        _copy("staging.stg_orders.order_id"),
        _filtered("staging.stg_orders.order_status", _NOT_CANCELLED),
        _joined("staging.stg_order_items.order_id", "left join stg_order_items using (order_id)"),
        _joined("staging.stg_payments.order_id", "left join stg_payments using (order_id)"),
    ),
    _col(
        "customer_id", "bigint", "Customer who ordered.", _copy("staging.stg_orders.customer_id"), null=True
    ),
    _col("store_id", "integer", "Store of a till purchase.", _copy("staging.stg_orders.store_id"), null=True),
    _col("order_channel", "varchar(16)", "'web' or 'store'.", _copy("staging.stg_orders.order_channel")),
    _col("order_status", "varchar(20)", "Fulfilment status.", _copy("staging.stg_orders.order_status")),
    _col(
        "ordered_at", "timestamp", "When the order was placed (UTC).", _copy("staging.stg_orders.ordered_at")
    ),
    _col("order_date", "date", "Day the order was placed (UTC).", _copy("staging.stg_orders.order_date")),
    _col("currency", "char(3)", "ISO 4217 currency of the amounts.", _copy("staging.stg_orders.currency")),
    _col(
        "item_count",
        "integer",
        "Units on the order.",
        _agg("staging.stg_order_items.quantity", "sum(quantity)"),
    ),
    _col(
        "gross_amount",
        "numeric(12,2)",
        "Order value before discounts, tax included.",
        _agg("staging.stg_order_items.quantity", "sum(quantity * unit_price)"),
        _agg("staging.stg_order_items.unit_price", "sum(quantity * unit_price)"),
    ),
    _col(
        "discount_amount",
        "numeric(12,2)",
        "Discounts on the order.",
        _agg("staging.stg_order_items.discount_amount", "sum(discount_amount)"),
    ),
    _col(
        "tax_amount",
        "numeric(12,2)",
        "VAT included in the order.",
        _agg("staging.stg_order_items.tax_amount", "sum(tax_amount)"),
    ),
    _col(
        "net_amount",
        "numeric(12,2)",
        "Order value after discounts, tax included: the order's net revenue.",
        _agg("staging.stg_order_items.line_total", "sum(line_total)"),
    ),
    _col(
        "amount_paid",
        "numeric(12,2)",
        "What was paid for the order by successful payments.",
        _agg("staging.stg_payments.amount", "sum(amount) filter (where payment_status = 'succeeded')"),
        _filtered("staging.stg_payments.payment_status", "filter (where payment_status = 'succeeded')"),
        null=True,
    ),
)

_FCT_ORDER_ITEMS = _mart(
    "fct_order_items",
    "One row per line of an order that was not cancelled, with the product's cost and the gross margin.",
    _FINANCE_MART_OWNERS,
    ("finance",),
    _col(
        "order_item_id",
        "bigint",
        "Key of the order line.",
        _copy("staging.stg_order_items.order_item_id"),
        _joined("staging.stg_orders.order_id", "join stg_orders using (order_id)"),
        _filtered("staging.stg_orders.order_status", _NOT_CANCELLED),
        _joined("staging.stg_products.product_id", "join stg_products using (product_id)"),
    ),
    _col("order_id", "bigint", "Order the line belongs to.", _copy("staging.stg_order_items.order_id")),
    _col("product_id", "bigint", "Product ordered.", _copy("staging.stg_order_items.product_id")),
    _col("order_date", "date", "Day the order was placed (UTC).", _copy("staging.stg_orders.order_date")),
    _col("store_id", "integer", "Store of a till purchase.", _copy("staging.stg_orders.store_id"), null=True),
    _col("quantity", "integer", "Units ordered.", _copy("staging.stg_order_items.quantity")),
    _col("unit_price", "numeric(12,2)", "Price of one unit.", _copy("staging.stg_order_items.unit_price")),
    _col(
        "line_total", "numeric(12,2)", "What the customer pays.", _copy("staging.stg_order_items.line_total")
    ),
    _col(
        "line_cost",
        "numeric(12,2)",
        "Purchase cost of the units on the line.",
        _expr("staging.stg_order_items.quantity", "quantity * unit_cost"),
        _expr("staging.stg_products.unit_cost", "quantity * unit_cost"),
    ),
    _col(
        "gross_margin",
        "numeric(12,2)",
        "Line total less VAT and purchase cost.",
        _expr("staging.stg_order_items.line_total", "line_total - tax_amount - quantity * unit_cost"),
        _expr("staging.stg_order_items.tax_amount", "line_total - tax_amount - quantity * unit_cost"),
        _expr("staging.stg_order_items.quantity", "line_total - tax_amount - quantity * unit_cost"),
        _expr("staging.stg_products.unit_cost", "line_total - tax_amount - quantity * unit_cost"),
    ),
)

_FCT_DAILY_SALES = _mart(
    "fct_daily_sales",
    "Sales per day, store and channel: orders, customers, units and revenue. Finance's daily revenue report "
    "reads this table.",
    _FINANCE_MART_OWNERS,
    ("finance",),
    _col("sales_date", "date", "Day of the sales (UTC).", _copy("marts.fct_orders.order_date")),
    _col("store_id", "integer", "Store; empty for web sales.", _copy("marts.fct_orders.store_id"), null=True),
    _col("order_channel", "varchar(16)", "'web' or 'store'.", _copy("marts.fct_orders.order_channel")),
    _col(
        "order_count",
        "integer",
        "Orders placed.",
        _agg("marts.fct_orders.order_id", "count(distinct order_id)"),
    ),
    _col(
        "customer_count",
        "integer",
        "Distinct customers who ordered.",
        _agg("marts.fct_orders.customer_id", "count(distinct customer_id)"),
    ),
    _col("items_sold", "integer", "Units sold.", _agg("marts.fct_orders.item_count", "sum(item_count)")),
    _col(
        "gross_revenue",
        "numeric(14,2)",
        "Revenue before discounts, tax included.",
        _agg("marts.fct_orders.gross_amount", "sum(gross_amount)"),
    ),
    _col(
        "discount_total",
        "numeric(14,2)",
        "Discounts given.",
        _agg("marts.fct_orders.discount_amount", "sum(discount_amount)"),
    ),
    _col(
        "net_revenue",
        "numeric(14,2)",
        "Revenue after discounts, tax included.",
        _agg("marts.fct_orders.net_amount", "sum(net_amount)"),
    ),
    _col(
        "average_order_value",
        "numeric(12,2)",
        "Net revenue per order.",
        _agg("marts.fct_orders.net_amount", "sum(net_amount) / count(distinct order_id)"),
        _agg("marts.fct_orders.order_id", "sum(net_amount) / count(distinct order_id)"),
    ),
)

_LIFETIME_REVENUE = "sum(net_amount)"

_CUSTOMER_LIFETIME_VALUE = _mart(
    "customer_lifetime_value",
    "One row per customer who has ordered: lifetime orders, revenue and a value segment for CRM targeting. "
    "Customers appear only by id and e-mail hash.",
    _CUSTOMER_MART_OWNERS,
    ("finance", "marketing"),
    _col(
        "customer_id",
        "bigint",
        "Key of the customer.",
        _copy("marts.dim_customers.customer_id"),
        _joined("marts.fct_orders.customer_id", "join fct_orders using (customer_id)"),
    ),
    _col(
        "email_hash",
        "char(64)",
        "SHA-256 of the customer's normalised e-mail address, for audience matching.",
        _copy("marts.dim_customers.email_hash"),
        tags=("pseudonymised",),
    ),
    _col(
        "first_order_date", "date", "Day of the first order.", _copy("marts.dim_customers.first_order_date")
    ),
    _col(
        "lifetime_orders",
        "integer",
        "Orders placed over the customer's lifetime.",
        _agg("marts.fct_orders.order_id", "count(order_id)"),
    ),
    _col(
        "lifetime_revenue",
        "numeric(14,2)",
        "Net revenue over the customer's lifetime.",
        _agg("marts.fct_orders.net_amount", _LIFETIME_REVENUE),
    ),
    _col(
        "average_order_value",
        "numeric(12,2)",
        "Net revenue per order.",
        _agg("marts.fct_orders.net_amount", "sum(net_amount) / count(order_id)"),
        _agg("marts.fct_orders.order_id", "sum(net_amount) / count(order_id)"),
    ),
    _col(
        "days_since_last_order",
        "integer",
        "Days between the latest order and today.",
        _expr("marts.dim_customers.most_recent_order_date", "current_date - most_recent_order_date"),
    ),
    _col(
        "value_segment",
        "varchar(8)",
        "'high' from 2000 in lifetime revenue, 'medium' from 500, else 'low'.",
        _conditional(
            "marts.fct_orders.net_amount",
            f"case when {_LIFETIME_REVENUE} >= 2000 then 'high' "
            f"when {_LIFETIME_REVENUE} >= 500 then 'medium' else 'low' end",
        ),
    ),
)

_DIM_PRODUCTS = _mart(
    "dim_products",
    "The product dimension: current name, category, brand, price and cost of every product.",
    (Ownership(_MAYA, "technical"), Ownership(_MERCHANDISING, "business")),
    (),
    _col("product_id", "bigint", "Key of the product.", _copy("staging.stg_products.product_id")),
    _col("sku", "varchar(32)", "Stock-keeping unit code.", _copy("staging.stg_products.sku")),
    _col("product_name", "varchar(200)", "Product name.", _copy("staging.stg_products.product_name")),
    _col("category", "varchar(64)", "Top-level category.", _copy("staging.stg_products.category")),
    _col(
        "subcategory",
        "varchar(64)",
        "Second-level category.",
        _copy("staging.stg_products.subcategory"),
        null=True,
    ),
    _col("brand", "varchar(100)", "Brand name.", _copy("staging.stg_products.brand"), null=True),
    _col(
        "list_price", "numeric(12,2)", "Shelf price, tax included.", _copy("staging.stg_products.list_price")
    ),
    _col("unit_cost", "numeric(12,2)", "Purchase cost of one unit.", _copy("staging.stg_products.unit_cost")),
    _col("is_active", "boolean", "False once delisted.", _copy("staging.stg_products.is_active")),
)

_DIM_STORES = _mart(
    "dim_stores",
    "The store dimension: every store with its region and whether it still trades.",
    (Ownership(_MAYA, "technical"), Ownership(_STORE_OPS, "business")),
    (),
    _col("store_id", "integer", "Key of the store.", _copy("staging.stg_stores.store_id")),
    _col("store_name", "varchar(100)", "Store name.", _copy("staging.stg_stores.store_name")),
    _col("city", "varchar(100)", "City the store is in.", _copy("staging.stg_stores.city")),
    _col("region", "varchar(64)", "Sales region.", _copy("staging.stg_stores.region")),
    _col("country_code", "char(2)", "Country of the store.", _copy("staging.stg_stores.country_code")),
    _col("opened_on", "date", "Day the store opened.", _copy("staging.stg_stores.opened_on")),
    _col("is_open", "boolean", "Whether the store still trades.", _copy("staging.stg_stores.is_open")),
)

_FCT_WEB_SESSIONS = _mart(
    "fct_web_sessions",
    "One row per web session: when it started and ended, page views, landing page and whether it ended in "
    "an order. IP addresses are hashed; raw IPs stay in staging.",
    _CUSTOMER_MART_OWNERS,
    ("marketing",),
    _col("session_id", "varchar(64)", "Key of the session.", _copy("staging.stg_web_events.session_id")),
    _col(
        "customer_id",
        "bigint",
        "Customer logged in during the session, if any.",
        _agg("staging.stg_web_events.customer_id", "max(customer_id)"),
        null=True,
    ),
    _col(
        "ip_address_hash",
        "char(64)",
        "SHA-256 of the session's first IP address, to spot bots without keeping the address.",
        _hashed("staging.stg_web_events.ip_address", "encode(sha256(host(min(ip_address))::bytea), 'hex')"),
        tags=("pseudonymised",),
    ),
    _col(
        "started_at",
        "timestamp",
        "First event of the session (UTC).",
        _agg("staging.stg_web_events.occurred_at", "min(occurred_at)"),
    ),
    _col(
        "ended_at",
        "timestamp",
        "Last event of the session (UTC).",
        _agg("staging.stg_web_events.occurred_at", "max(occurred_at)"),
    ),
    _col(
        "session_date",
        "date",
        "Day the session started (UTC).",
        _agg("staging.stg_web_events.occurred_at", "cast(min(occurred_at) as date)"),
    ),
    _col(
        "page_views",
        "integer",
        "Pages viewed in the session.",
        _agg("staging.stg_web_events.event_id", "count(event_id) filter (where event_type = 'page_view')"),
        _filtered("staging.stg_web_events.event_type", "filter (where event_type = 'page_view')"),
    ),
    _col(
        "landing_page",
        "text",
        "Path of the session's first page.",
        _window(
            "staging.stg_web_events.page_path",
            "first_value(page_path) over (partition by session_id order by occurred_at)",
        ),
    ),
    _col(
        "converted",
        "boolean",
        "Whether the session ended in an order.",
        _agg("staging.stg_web_events.event_type", "bool_or(event_type = 'order_completed')"),
    ),
)

_DATASETS: tuple[_DatasetSpec, ...] = (
    _RAW_CUSTOMERS,
    _RAW_ORDERS,
    _RAW_ORDER_ITEMS,
    _RAW_PRODUCTS,
    _RAW_STORES,
    _RAW_PAYMENTS,
    _RAW_WEB_EVENTS,
    _STG_CUSTOMERS,
    _STG_ORDERS,
    _STG_ORDER_ITEMS,
    _STG_PRODUCTS,
    _STG_STORES,
    _STG_PAYMENTS,
    _STG_WEB_EVENTS,
    _DIM_CUSTOMERS,
    _FCT_ORDERS,
    _FCT_ORDER_ITEMS,
    _FCT_DAILY_SALES,
    _CUSTOMER_LIFETIME_VALUE,
    _DIM_PRODUCTS,
    _DIM_STORES,
    _FCT_WEB_SESSIONS,
)

# --- the glossary and the policy ---------------------------------------------------------------


def _concept(name: str, definition: str, **kwargs) -> Concept:
    return Concept(GLOSSARY, name, definition, **kwargs)


_CONCEPTS: tuple[Concept, ...] = (
    _concept(
        "Customer",
        "A person who has an account with the shop or has placed an order.",
        synonyms=("client", "shopper"),
    ),
    _concept(
        "Order",
        "A customer's purchase of one or more products, placed on the web shop or at a store till.",
        synonyms=("purchase",),
    ),
    _concept(
        "Order Line",
        "One product on an order, with its quantity, price and discount.",
        synonyms=("line item", "order item"),
    ),
    _concept("Product", "An article the shop sells, identified by its SKU.", synonyms=("article", "SKU")),
    _concept("Store", "A physical shop where customers buy at a till.", synonyms=("branch", "shop")),
    _concept("Revenue", "Income from selling products, in the order currency, tax included."),
    _concept(
        "Gross Revenue",
        "Revenue before discounts: units sold times unit price.",
        broader=("Revenue",),
    ),
    _concept(
        "Net Revenue",
        "Revenue after discounts: what customers pay for the products.",
        broader=("Revenue",),
        synonyms=("sales",),
    ),
    _concept(
        "Average Order Value",
        "Net revenue divided by the number of orders.",
        synonyms=("AOV",),
    ),
    _concept(
        "Customer Lifetime Value",
        "Net revenue from one customer over all of their orders so far.",
        synonyms=("CLV", "LTV"),
    ),
    _concept(
        "Web Session",
        "A visit to the web shop: the events of one browser until it is idle for 30 minutes.",
        synonyms=("visit",),
    ),
    _concept(
        "Personal Data",
        "Information relating to an identified or identifiable natural person (GDPR article 4(1)).",
        synonyms=("PII", "personally identifiable information"),
    ),
    _concept(
        "Email Address",
        "An address a person receives e-mail at.",
        synonyms=("e-mail", "email"),
        broader=("Personal Data",),
        personal_data="EmailAddress",
    ),
    _concept(
        "Phone Number",
        "A number a person can be called or texted on.",
        synonyms=("mobile number", "telephone number"),
        broader=("Personal Data",),
        personal_data="TelephoneNumber",
    ),
    _concept(
        "Postal Address",
        "Where a person lives or receives deliveries: street, house number, city and postal code.",
        synonyms=("shipping address", "street address"),
        broader=("Personal Data",),
        personal_data="PhysicalAddress",
    ),
    _concept(
        "Date of Birth",
        "The day a person was born.",
        synonyms=("DOB", "birth date"),
        broader=("Personal Data",),
        personal_data="BirthDate",
    ),
    _concept(
        "Full Name",
        "A person's given and family name.",
        synonyms=("customer name",),
        broader=("Personal Data",),
        personal_data="Name",
    ),
    _concept(
        "IP Address",
        "The network address of a visitor's device.",
        broader=("Personal Data",),
        personal_data="IPAddress",
    ),
)


def _personal_data_policy() -> Policy:
    return Policy(
        name="personal-data-access",
        description=(
            "Analysts work from pseudonymised marts and may not read personal data; "
            "data stewards may, to answer access and erasure requests."
        ),
        rules=(
            PolicyRule("prohibition", "read", v.DPV.PersonalData, "analyst"),
            PolicyRule("permission", "read", v.DPV.PersonalData, "steward"),
        ),
    )
