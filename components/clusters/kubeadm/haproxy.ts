/**
 * HAProxy in front of the kubeadm control planes: TCP pass-through on :6443, round robin over
 * back ends whose API is checked over HTTPS, as kubeadm's HA guide configures it
 * (https://github.com/kubernetes/kubeadm/blob/main/docs/ha-considerations.md#haproxy-configuration).
 *
 * Where this differs from the guide, and why:
 * - The check is the HTTPS check the guide describes (`option httpchk`, `http-check connect ssl`,
 *   `http-check send`, `http-check expect status 200`) and nothing else: any later `option …chk`
 *   (the `option ssl-hello-chk` older copies of the guide carry) replaces the whole check with a bare
 *   TLS hello, which an API server answering 503 passes.
 * - It asks `/readyz`, not `/healthz`: Kubernetes deprecated `/healthz` in v1.16, and `/readyz` also
 *   answers 503 while an API server shuts down or has lost etcd, which is when it must leave the
 *   rotation (https://kubernetes.io/docs/reference/using-api/health-checks/). kubeadm keeps anonymous
 *   access to it (the `system:public-info-viewer` ClusterRole), so the check needs no credentials.
 * - `verify none`: the check reads a status code, sends nothing secret, and the load balancer holds
 *   no copy of the cluster CA; the traffic itself stays end-to-end TLS between client and API server.
 * - Everything is TCP: the frontend passes TLS through, so the guide's HTTP-mode defaults
 *   (`option httplog`, `option forwardfor`, `timeout http-request`) would be ignored, and `haproxy -c`
 *   warns about them.
 * - Idle timeouts: the guide's 20 s cut every quiet watch and `kubectl logs -f`, `exec` and
 *   `port-forward` session. In TCP mode an established connection is a tunnel, so `timeout tunnel`
 *   governs it; the API server itself ends each watch within 30–60 min (`--min-request-timeout`
 *   1800 s, randomised up to twice that), and an interactive `exec` or `port-forward` may sit idle for
 *   hours, hence 24 h. TCP keep-alives on both sides let the kernel reap peers that vanished, and the
 *   `-fin` timeouts close half-closed connections promptly.
 * - Privileges are dropped as Debian's packaged /etc/haproxy/haproxy.cfg does: `chroot
 *   /var/lib/haproxy`, `user haproxy`, `group haproxy` (the package creates both).
 */
export interface ApiBackend {
    readonly name: string;
    readonly address: string;
}

/** The API server's health endpoint the load balancer asks. */
export const HEALTH_CHECK_PATH = "/readyz";

export function haproxyConfig(backends: readonly ApiBackend[]): string {
    if (backends.length === 0) {
        throw new Error("HAProxy needs at least one control plane to balance");
    }
    const servers = backends.map((b) => `    server ${b.name} ${b.address}:6443 check verify none`).join("\n");
    return `global
    log /dev/log local0
    log /dev/log local1 notice
    chroot /var/lib/haproxy
    user haproxy
    group haproxy
    daemon

defaults
    mode                    tcp
    log                     global
    option                  tcplog
    option                  dontlognull
    option                  redispatch
    option                  clitcpka
    option                  srvtcpka
    retries                 3
    timeout connect         5s
    timeout client          1h
    timeout server          1h
    timeout tunnel          24h
    timeout client-fin      30s
    timeout server-fin      30s
    timeout check           5s

frontend apiserver
    bind *:6443
    default_backend apiserverbackend

backend apiserverbackend
    balance roundrobin
    option httpchk
    http-check connect ssl
    http-check send meth GET uri ${HEALTH_CHECK_PATH}
    http-check expect status 200
${servers}
`;
}
