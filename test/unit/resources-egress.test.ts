import { EgressRefused, hostOf, parseEgressAllow, pinnedAddress, refusedKind } from '../../engine/resources/egress';

/** A resolver that answers `addresses` for every host (no DNS in unit tests). */
const answering =
  (...addresses: string[]) =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('refusedKind', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.100.100.200', 'shared (carrier-grade NAT)'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'benchmarking'],
    ['192.0.0.170', 'IETF reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fd00:ec2::254', 'private (unique local)'],
    ['fc00::1', 'private (unique local)'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    // IPv4-mapped and NAT64 forms are judged by the IPv4 address they carry.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::FFFF:A9FE:A9FE', 'link-local (cloud metadata)'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::169.254.169.254', 'link-local (cloud metadata)'],
    ['not-an-address', 'not an IP address'],
  ])('%s is %s', (address, kind) => {
    expect(refusedKind(address)).toBe(kind);
  });

  test.each(['8.8.8.8', '172.32.0.1', '172.15.255.255', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(refusedKind(address)).toBeUndefined();
    },
  );
});

describe('parseEgressAllow', () => {
  test('host names (lower-cased, trailing dot dropped) and CIDRs; blanks ignored', () => {
    const policy = parseEgressAllow(' API.internal. , 10.0.0.0/8,, 192.168.1.5, fd00::/8 ,localhost');
    expect([...policy.hosts]).toEqual(['api.internal', 'localhost']);
    expect(policy.entries).toEqual(['api.internal.', '10.0.0.0/8', '192.168.1.5', 'fd00::/8', 'localhost']);
    expect([
      policy.networks.check('10.200.0.1', 'ipv4'),
      policy.networks.check('11.0.0.1', 'ipv4'),
      policy.networks.check('192.168.1.5', 'ipv4'),
      policy.networks.check('192.168.1.6', 'ipv4'),
      policy.networks.check('fd12::1', 'ipv6'),
      policy.networks.check('fe80::1', 'ipv6'),
    ]).toEqual([true, false, true, false, true, false]);
  });

  test('unset or empty allows nothing', () => {
    for (const text of [undefined, '', ' , ']) {
      const policy = parseEgressAllow(text);
      expect([policy.hosts.size, policy.entries]).toEqual([0, []]);
    }
  });

  test.each([
    ['10.0.0.0/33', "'10.0.0.0/33' has a bad prefix length"],
    ['::/129', "'::/129' has a bad prefix length"],
    ['10.0.0.0/x', "'10.0.0.0/x' has a bad prefix length"],
    ['host/8', "'host/8' is neither a host name nor a CIDR"],
    ['bad_host', "'bad_host' is neither a host name nor a CIDR"],
  ])('%s is refused', (text, message) => {
    expect(() => parseEgressAllow(text)).toThrow(message);
  });
});

describe('pinnedAddress', () => {
  const none = parseEgressAllow('');

  test('a public host resolves once to the first address, which is the one connected to', async () => {
    let lookups = 0;
    const resolve = async () => {
      lookups += 1;
      return [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ];
    };
    await expect(pinnedAddress(new URL('https://example.com/x'), none, resolve)).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
    expect(lookups).toBe(1);
  });

  test('a name with any refused address is refused (no DNS rebinding through a second answer)', async () => {
    await expect(
      pinnedAddress(new URL('http://rebind.example/'), none, answering('93.184.216.34', '127.0.0.1')),
    ).rejects.toThrow(
      new EgressRefused(
        "Stepflow refuses to connect to 'rebind.example' (127.0.0.1, a loopback address); allow it with STEPFLOW_EGRESS_ALLOW (a host name or CIDR)",
      ),
    );
  });

  test.each([
    ['http://169.254.169.254/latest/meta-data', "'169.254.169.254' (169.254.169.254, a link-local (cloud metadata)"],
    ['http://[::1]:8080/', "'::1' (::1, a loopback"],
    ['http://[::ffff:169.254.169.254]/', "'::ffff:a9fe:a9fe' (::ffff:a9fe:a9fe, a link-local (cloud metadata)"],
    ['http://[fd00:ec2::254]/', "'fd00:ec2::254' (fd00:ec2::254, a private (unique local)"],
    ['http://0x7f000001/', "'127.0.0.1' (127.0.0.1, a loopback"],
    ['http://2130706433/', "'127.0.0.1' (127.0.0.1, a loopback"],
  ])('literal %s is refused without DNS', async (url, message) => {
    const resolve = jest.fn(answering('8.8.8.8'));
    await expect(pinnedAddress(new URL(url), none, resolve)).rejects.toThrow(message);
    expect(resolve).not.toHaveBeenCalled();
  });

  test('an allowed network or host lets a refused address through', async () => {
    await expect(
      pinnedAddress(new URL('http://svc.internal/'), parseEgressAllow('10.0.0.0/8'), answering('10.1.2.3')),
    ).resolves.toEqual({ address: '10.1.2.3', family: 4 });
    await expect(
      pinnedAddress(new URL('http://localhost:9/'), parseEgressAllow('localhost'), answering('::1', '127.0.0.1')),
    ).resolves.toEqual({ address: '::1', family: 6 });
    await expect(pinnedAddress(new URL('http://[::1]/'), parseEgressAllow('::1/128'), answering())).resolves.toEqual({
      address: '::1',
      family: 6,
    });
    // Another private network stays refused.
    await expect(
      pinnedAddress(new URL('http://svc.internal/'), parseEgressAllow('10.0.0.0/8'), answering('192.168.0.1')),
    ).rejects.toThrow('a private address');
  });

  test('a host with no address is refused', async () => {
    await expect(pinnedAddress(new URL('http://nowhere.example/'), none, answering())).rejects.toThrow(
      "The host 'nowhere.example' has no address",
    );
  });

  test('hostOf drops IPv6 brackets and lower-cases', () => {
    expect([hostOf(new URL('http://[FE80::1]:80/')), hostOf(new URL('https://API.Example.COM/'))]).toEqual([
      'fe80::1',
      'api.example.com',
    ]);
  });
});
