"""Requests for the référentiel: the register, the e-mail import, the applicant's package."""
