/* The serial console: two 16550 UARTs, output only: COM1 (port 0x3f8)
 * carries the program's stdout, COM2 (0x2f8) its stderr and the kernel's
 * fatal messages. Without a COM2 (QEMU started by hand with one -serial),
 * stderr joins stdout on COM1 rather than being lost. */
#include "cpu.h"
#include "kvm.h"

#define COM1 0x3f8
#define COM2 0x2f8
#define UART_DATA 0
#define UART_IER  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define UART_SCR  7 /* scratch: reads back what was written, if present */
#define LSR_THRE  0x20 /* transmit holding register (and FIFO) empty */
#define FIFO_SIZE 16

static uint16_t stderr_port = COM1;

static void uart_init(uint16_t port)
{
	outb(port + UART_IER, 0x00);    /* no interrupts: we poll */
	outb(port + UART_LCR, 0x80);    /* divisor latch */
	outb(port + UART_DATA, 0x01);   /* 115200 baud */
	outb(port + UART_IER, 0x00);
	outb(port + UART_LCR, 0x03);    /* 8N1 */
	outb(port + UART_FCR, 0xc7);    /* FIFO on and cleared */
	outb(port + UART_MCR, 0x03);    /* DTR, RTS */
}

/* A UART answers at port when its scratch register keeps a value: an
 * absent port reads 0xff whatever was written. */
static int uart_present(uint16_t port)
{
	outb(port + UART_SCR, 0x5a);
	if (inb(port + UART_SCR) != 0x5a)
		return 0;
	outb(port + UART_SCR, 0xa5);
	return inb(port + UART_SCR) == 0xa5;
}

void kvm_serial_init(void)
{
	uart_init(COM1);
	if (uart_present(COM2)) {
		uart_init(COM2);
		stderr_port = COM2;
	}
}

static void uart_write(uint16_t port, const char *buf, size_t len)
{
	size_t i = 0;
	while (i < len) {
		/* QEMU holds THRE low while its backend (a slow pipe) is
		 * busy; a full FIFO would drop bytes. THRE set means the
		 * whole FIFO is free: one status read per 16 bytes (each
		 * port access is a VM exit under KVM). */
		while (!(inb(port + UART_LSR) & LSR_THRE))
			cpu_pause();
		for (int n = 0; n < FIFO_SIZE && i < len; n++, i++)
			outb(port + UART_DATA, (uint8_t)buf[i]);
	}
}

void kvm_serial_stdout(const char *buf, size_t len)
{
	uart_write(COM1, buf, len);
}

void kvm_serial_stderr(const char *buf, size_t len)
{
	uart_write(stderr_port, buf, len);
}

long platform_console_write(enum platform_stream stream, const char *buf,
			    size_t len)
{
	unsigned long flags = platform_irq_save();
	if (stream == PLATFORM_STDERR)
		kvm_serial_stderr(buf, len);
	else
		kvm_serial_stdout(buf, len);
	platform_irq_restore(flags);
	return (long)len;
}

/* No console input here yet (the UARTs' receivers are not read): the
 * program's stdin is at its end. */
long platform_console_read(void *buf, size_t len)
{
	(void)buf;
	(void)len;
	return 0;
}
