"""A keyring backend that never answers, like a desktop keyring waiting on an unlock prompt nobody sees.

Chosen in a subprocess with ``PYTHON_KEYRING_BACKEND=tests.sync.hung_keyring.HungKeyring``.
"""

from __future__ import annotations

import time

import keyring.backend


class HungKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def get_password(self, service, username):
        time.sleep(3600)

    def set_password(self, service, username, password):
        time.sleep(3600)

    def delete_password(self, service, username):
        time.sleep(3600)
