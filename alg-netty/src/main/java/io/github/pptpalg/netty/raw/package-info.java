/** Raw IPv4 sockets for IP protocol 47 on Netty's epoll transport, the availability probe and BPF filters. */
package io.github.pptpalg.netty.raw;
