// ecopole-kit: name the search dialog for screen readers (mkdocs-material leaves it unnamed).
document.querySelectorAll(".md-search[role=dialog]").forEach(function (dialog) {
  dialog.setAttribute("aria-label", "Recherche");
});
