"""OpenRosa server: ODK Collect and KoboCollect as field clients of the pre-alert intake.

Server URL for the phones: ``http(s)://HOST/openrosa``. ``formList`` lists the pre-alert form
(built from the shipped XLSForm, ``xlsform.py``), ``submission`` receives filled-in forms
(``submission.py``) through :func:`willaq.earlywarning.services.intake.receive_prealert`;
``auth.py`` checks HTTP Basic credentials; ``responses.py`` writes OpenRosa's answers.
"""
