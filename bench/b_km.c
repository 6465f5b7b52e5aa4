/* b_km: to be written. */
int main(void) { return 0; }
