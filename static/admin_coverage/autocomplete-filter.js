"use strict";
// Admin list filters picked by autocomplete (articles/admin/list_filters.py): choosing or clearing
// an entry reloads the list with that filter set, the other filters kept, from the first page.
django.jQuery(function ($) {
  $(".autocomplete-list-filter select").on("change", function () {
    const url = new URL(window.location.href);
    if (this.value) {
      url.searchParams.set(this.name, this.value);
    } else {
      url.searchParams.delete(this.name);
    }
    url.searchParams.delete("p");
    window.location.assign(url.toString());
  });
});
