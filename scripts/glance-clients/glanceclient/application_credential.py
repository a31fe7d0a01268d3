"""glanceclient, the library, with a keystoneauth1 application credential: what the `glance` command line cannot do.

glance's command line registers keystoneauth's --os-auth-type options but always signs in with a password (or the
token it is given), so an application credential reaches glanceclient only through its library, as a script or
a service that holds one does. lib/glance/glanceclient.test.ts runs this against Hangar's Identity v3 and Glance API.

usage: application_credential.py AUTH_URL CREDENTIAL_ID SECRET list
       application_credential.py AUTH_URL CREDENTIAL_ID SECRET upload NAME DISK_FORMAT FILE
       application_credential.py AUTH_URL CREDENTIAL_ID SECRET download ID FILE
Prints JSON: the ids listed (following glanceclient's pages), the uploaded image, or the downloaded image's hash.
"""

import hashlib
import json
import sys

from glanceclient import Client
from keystoneauth1 import session
from keystoneauth1.identity import v3


def client(auth_url, credential_id, secret):
    auth = v3.ApplicationCredential(auth_url=auth_url, application_credential_id=credential_id, application_credential_secret=secret)
    # The image endpoint comes from the token's catalog, as with any Keystone.
    return Client("2", session=session.Session(auth=auth))


def main(auth_url, credential_id, secret, operation, *args):
    glance = client(auth_url, credential_id, secret)
    if operation == "list":
        return {"ids": [image["id"] for image in glance.images.list(page_size=2)]}
    if operation == "upload":
        name, disk_format, file = args
        image = glance.images.create(name=name, disk_format=disk_format, container_format="bare")
        with open(file, "rb") as data:
            glance.images.upload(image["id"], data)
        return dict(glance.images.get(image["id"]))
    if operation == "download":
        image_id, file = args
        # glanceclient checks the bytes against the image's os_hash_value as it reads them, and raises on a mismatch.
        sha256 = hashlib.sha256()
        with open(file, "wb") as out:
            for chunk in glance.images.data(image_id):
                sha256.update(chunk)
                out.write(chunk)
        return {"sha256": sha256.hexdigest()}
    sys.exit(__doc__)


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    print(json.dumps(main(*sys.argv[1:]), default=str))
