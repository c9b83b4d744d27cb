"""The API's one pagination class (named in ``REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]``)."""
from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class _FirstPagePaginator(Paginator):
    """Counts rows without a COUNT query when the first page is not full (most plans fit on one page)."""

    def page(self, number):
        if str(number) == "1" and self.per_page > 0:
            rows = list(self.object_list[: self.per_page])
            if len(rows) < self.per_page:
                self.__dict__["count"] = len(rows)  # Paginator.count is a cached_property
            return self._get_page(rows, 1, self) if rows or self.allow_empty_first_page else super().page(number)
        return super().page(number)


class LuoshiPagination(PageNumberPagination):
    """Pages of 50 (``?page_size=`` up to 500), one COUNT query cheaper on short lists."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = _FirstPagePaginator
