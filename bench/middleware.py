"""X-Bench-Queries: the SQL queries a request ran. Installed only when BENCH_BARE_VIEW is on."""

from django.db import connection

HEADER = "X-Bench-Queries"


class QueryCountMiddleware:
    """Counts through an execute wrapper: works with DEBUG off, unlike connection.queries."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response
