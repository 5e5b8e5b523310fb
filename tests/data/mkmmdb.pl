#!/usr/bin/perl
# mkmmdb.pl KIND OUT.mmdb - writes a tiny MaxMind DB test fixture.
#   KIND: city (GeoIP2-City), asn (GeoLite2-ASN) or anon (GeoIP2-Anonymous-IP);
#   city4 and city6: the flat layout of the ip-location-db city files (keys
#   country_code, latitude, longitude as floats, timezone), an IPv4-only and an
#   IPv6 file. Some records name their time zone (location/time_zone, timezone):
#   one of tzdata's, one of a country of several zones, and a name no tzdata has.
# The networks are documentation ranges (RFC 5737, RFC 3849), which the writer
# drops unless remove_reserved_networks => 0. IPv4 lives in the IPv6 tree at
# ::/96 and is aliased from ::ffff:0:0/96 and 2002::/16 (alias_ipv6_to_ipv4).
# The fixtures and their expected lookups are what tests/e2e_geoip.sh checks.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($kind, $out) = @ARGV;
die "usage: $0 city|asn|anon|city4|city6 OUT.mmdb\n"
    unless defined $out && $kind =~ /^(city|asn|anon|city4|city6)$/;

my %types = (
    country                        => 'map',
    registered_country             => 'map',
    iso_code                       => 'utf8_string',
    location                       => 'map',
    latitude                       => 'double',
    time_zone                      => 'utf8_string',
    timezone                       => 'utf8_string',
    longitude                      => 'double',
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
    is_anonymous                   => 'boolean',
    is_anonymous_vpn               => 'boolean',
    is_hosting_provider            => 'boolean',
    is_public_proxy                => 'boolean',
    is_tor_exit_node               => 'boolean',
    country_code                   => 'utf8_string',
    city                           => 'utf8_string',
);
# The flat files store coordinates as floats, the MaxMind ones as doubles.
my %flat_types = (%types, latitude => 'float', longitude => 'float');

my %db = (
    city => {
        type => 'GeoIP2-City',
        data => {
            '192.0.2.0/25'     => { country => { iso_code => 'JP' },
                                    location => { latitude => 35.6895, longitude => 139.6917,
                                                  time_zone => 'Asia/Tokyo' } },
            '192.0.2.128/25'   => { country => { iso_code => 'DE' },
                                    location => { latitude => 52.52, longitude => 13.405,
                                                  time_zone => 'Mars/Olympus_Mons' } },
            '198.51.100.0/24'  => { country => { iso_code => 'BR' },
                                    location => { time_zone => 'America/Sao_Paulo' } },
            '2001:db8::/48'    => { country => { iso_code => 'FR' },
                                    location => { latitude => 48.8566, longitude => 2.3522 } },
        },
    },
    asn => {
        type => 'GeoLite2-ASN',
        data => {
            '192.0.2.0/24'    => { autonomous_system_number => 64500,
                                   autonomous_system_organization => 'Example Transit & Co <AS64500>' },
            '198.51.100.0/24' => { autonomous_system_number => 64501,
                                   autonomous_system_organization => "Exemplo Telecomunica\x{e7}\x{f5}es" },
            '2001:db8::/32'   => { autonomous_system_number => 64502,
                                   autonomous_system_organization => 'Doc6 Networks' },
        },
    },
    city4 => {
        type => 'city ipv4',
        ip_version => 4,
        data => {
            '192.0.2.0/24'    => { country_code => 'KE', city => 'Nairobi', latitude => -1.28, longitude => 36.82,
                                   timezone => 'Africa/Nairobi' },
            '198.51.100.0/24' => { country_code => 'CL', city => '', latitude => -33.45, longitude => -70.66 },
        },
    },
    city6 => {
        type => 'city ipv6',
        data => {
            '2001:db8::/32'   => { country_code => 'NO', city => 'Oslo', latitude => 59.91, longitude => 10.75 },
        },
    },
    anon => {
        type => 'GeoIP2-Anonymous-IP',
        data => {
            '192.0.2.200/32'  => { is_anonymous => 1, is_anonymous_vpn => 1 },
            '198.51.100.7/32' => { is_anonymous => 1, is_tor_exit_node => 1 },
            '2001:db8:1::/48' => { is_anonymous => 1, is_hosting_provider => 1, is_public_proxy => 1 },
        },
    },
);

my $spec = $db{$kind};
my $v4 = ($spec->{ip_version} // 6) == 4;
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version               => $v4 ? 4 : 6,
    record_size              => 24,
    database_type            => $spec->{type},
    languages                => ['en'],
    description              => { en => "ringscan test fixture ($kind)" },
    alias_ipv6_to_ipv4       => $v4 ? 0 : 1,
    remove_reserved_networks => 0,
    map_key_type_callback    => sub {
        my $t = $kind =~ /^city[46]$/ ? \%flat_types : \%types;
        $t->{ $_[0] } // die "no type for key $_[0]\n";
    },
);
for my $net (sort keys %{ $spec->{data} }) {
    $tree->insert_network($net, $spec->{data}{$net});
}
open my $fh, '>:raw', $out or die "$out: $!\n";
$tree->write_tree($fh);
close $fh or die "$out: $!\n";
