# Odoo 18 with the Python libraries the addons need (see requirements.txt).
FROM odoo:18

USER root
COPY requirements.txt /tmp/ar_collections-requirements.txt
# Ubuntu's packages first (they match the image's Python and system
# libraries), then pip for anything requirements.txt still asks for.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        python3-pandas python3-sklearn python3-phonenumbers \
    && rm -rf /var/lib/apt/lists/* \
    && pip3 install --no-cache-dir --break-system-packages -r /tmp/ar_collections-requirements.txt
USER odoo
