"""The network of Ecopôles: reseau.yaml, each site's summary, the build stamps and the
dashboard's pages (a pure rendering, built by the same site engine as every site)."""
