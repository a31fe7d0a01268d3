"""Glance's web-download import with openstacksdk, the library under the `openstack` command line.

openstackclient 6.0 (Debian's) has no command for an import from a URL (`image create --import` stages the
client's own bytes, glance-direct); this does what its later `image create --import-method web-download` does:
create a queued image, then ask the image service to fetch the URI. lib/glance/openstackclient.test.ts runs it.

usage: web_download.py CLOUD NAME DISK_FORMAT URI
The cloud comes from the clouds.yaml that OS_CLIENT_CONFIG_FILE names. Prints the created image as JSON.
"""

import json
import sys

import openstack


def main(cloud, name, disk_format, uri):
    connection = openstack.connect(cloud=cloud)
    image = connection.image.create_image(name, disk_format=disk_format, container_format="bare")
    connection.image.import_image(image, method="web-download", uri=uri)
    print(json.dumps({"id": image.id, "status": image.status}))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
