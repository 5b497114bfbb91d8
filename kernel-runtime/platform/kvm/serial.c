/* The serial console: a 16550 UART at COM1 (port 0x3f8), output only. */
#include "cpu.h"
#include "kvm.h"

#define COM1 0x3f8
#define UART_DATA 0
#define UART_IER  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define LSR_THRE  0x20 /* transmit holding register (and FIFO) empty */
#define FIFO_SIZE 16

void kvm_serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);    /* no interrupts: we poll */
	outb(COM1 + UART_LCR, 0x80);    /* divisor latch */
	outb(COM1 + UART_DATA, 0x01);   /* 115200 baud */
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x03);    /* 8N1 */
	outb(COM1 + UART_FCR, 0xc7);    /* FIFO on and cleared */
	outb(COM1 + UART_MCR, 0x03);    /* DTR, RTS */
}

void kvm_serial_write(const char *buf, size_t len)
{
	size_t i = 0;
	while (i < len) {
		/* QEMU holds THRE low while its backend (a slow pipe) is
		 * busy; a full FIFO would drop bytes. THRE set means the
		 * whole FIFO is free: one status read per 16 bytes (each
		 * port access is a VM exit under KVM). */
		while (!(inb(COM1 + UART_LSR) & LSR_THRE))
			cpu_pause();
		for (int n = 0; n < FIFO_SIZE && i < len; n++, i++)
			outb(COM1 + UART_DATA, (uint8_t)buf[i]);
	}
}

void platform_console_write(const char *buf, size_t len)
{
	unsigned long flags = platform_irq_save();
	kvm_serial_write(buf, len);
	platform_irq_restore(flags);
}
