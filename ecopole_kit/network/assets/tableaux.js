// ecopole-kit: every table of the dashboard sorts on a click on its headers (Tablesort,
// vendored in assets/javascripts/), wired as mkdocs-material's documentation shows.
document$.subscribe(function () {
  document.querySelectorAll("article table:not([class])").forEach(function (table) {
    new Tablesort(table);
  });
});
