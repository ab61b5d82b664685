"""Early warning's pages, one module per subject: ``form`` (the offline pre-alert form),
``triage`` (the queue and a pre-alert), ``reporters`` (the network), ``alerts`` (alerts, their CAP
documents and the Atom feed), ``response`` (deployment orders and their statistics)."""
