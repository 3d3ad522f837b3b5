"""The REST API's shared machinery: errors, conditional requests, paging, shaping, schema."""
