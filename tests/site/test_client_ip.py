"""Lockouts and throttles key on the real client address behind the load balancer."""

from django.test import RequestFactory, override_settings

from coverage_site.client_ip import client_ip


def _request(**meta):
    return RequestFactory().get("/", **meta)


@override_settings(NUM_PROXIES=1)
def test_address_recorded_by_the_load_balancer_is_used():
    request = _request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "203.0.113.7"


@override_settings(NUM_PROXIES=1)
def test_a_forged_forwarded_entry_is_ignored():
    request = _request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"


@override_settings(NUM_PROXIES=0)
def test_without_proxies_the_socket_address_counts():
    request = _request(REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "198.51.100.1"
