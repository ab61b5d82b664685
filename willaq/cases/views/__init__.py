"""The registry's pages, by subject: ``cases`` (dashboard, list, case page, forms, workflow),
``records`` (correcting and removing records), ``actors`` and ``categories``; ``common`` holds
the helpers they share."""
