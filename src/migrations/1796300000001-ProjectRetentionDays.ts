import { MigrationInterface, QueryRunner } from "typeorm";

export class ProjectRetentionDays1796300000001 implements MigrationInterface {
    name = 'ProjectRetentionDays1796300000001'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "projects" ADD "retention_days" integer`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "retention_days"`);
    }

}
