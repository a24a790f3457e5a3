/**
 * HAProxy in front of the kubeadm control planes, as kubeadm's HA guide (kubernetes/kubeadm
 * docs/ha-considerations.md) configures it: TCP pass-through on :6443, health-checked back ends.
 * The guide's `option forwardfor` is left out: it is HTTP-only, and `haproxy -c` warns that the
 * TCP sections ignore it.
 */
export interface ApiBackend {
    readonly name: string;
    readonly address: string;
}

export function haproxyConfig(backends: readonly ApiBackend[]): string {
    if (backends.length === 0) {
        throw new Error("HAProxy needs at least one control plane to balance");
    }
    const servers = backends.map((b) => `    server ${b.name} ${b.address}:6443 check`).join("\n");
    return `global
    log /dev/log local0
    log /dev/log local1 notice
    daemon

defaults
    mode                    http
    log                     global
    option                  httplog
    option                  dontlognull
    option http-server-close
    option                  redispatch
    retries                 1
    timeout http-request    10s
    timeout queue           20s
    timeout connect         5s
    timeout client          20s
    timeout server          20s
    timeout http-keep-alive 10s
    timeout check           10s

frontend apiserver
    bind *:6443
    mode tcp
    option tcplog
    default_backend apiserverbackend

backend apiserverbackend
    option httpchk GET /healthz
    http-check expect status 200
    mode tcp
    option ssl-hello-chk
    balance roundrobin
${servers}
`;
}
